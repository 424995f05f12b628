# The machine mend runs on, as an inventory host: no SSH needed.
host "localhost" {
  address = "local"
  groups  = ["all"]
}
