"""Rules stage: policies as cited, dated rules compiled from YAML, evaluated three-valued."""
