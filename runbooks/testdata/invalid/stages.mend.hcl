diagnose "command" "first" {
  on      = ["a", "b"]
  command = "true"
}

stage "roll" {
  on     = ["a", "b"]
  when   = diagnose.command.inside.hosts[host.name].exit_code == 0 # ERROR: Reference to a later step
  serial = 0 # ERROR: Invalid serial value

  diagnose "command" "inside" {
    command = "echo ${diagnose.command.health.hosts["a"].stdout}" # ERROR: Reference to a later step
  }

  repair "command" "rolls_itself" {
    serial  = 1 # ERROR: Serial inside a stage
    command = "true"
  }

  stage "nested" { # ERROR: Nested stage
    on = ["a"]
  }

  between_batches {
    diagnose "command" "health" {
      command = "true"
    }
    repair "command" "fix" { # ERROR: Repair in between_batches
      command = "true"
    }
  }
}

stage "bad_numbers" {
  on           = ["a"]
  serial       = "150%" # ERROR: Invalid serial value
  max_failures = -1 # ERROR: Invalid max_failures value

  diagnose "command" "x" {
    command = "echo ${diagnose.command.later_stage.stdout}" # ERROR: Reference to a later step
  }

  diagnose "command" "per_key" {
    for_each = toset(["k"]) # ERROR: Step with for_each inside a stage
    command  = "echo ${each.key}"
  }
}

stage "barrier_rolls" {
  on           = ["a", "b"]
  barrier      = true
  serial       = 1 # ERROR: Conflicting stage arguments
  max_failures = "10%" # ERROR: Conflicting stage arguments

  diagnose "command" "y" {
    command = "true"
  }
}

stage "no_hosts" { # ERROR: Missing on in stage
  max_failures = "many" # ERROR: Invalid max_failures value

  diagnose "command" "later_stage" {
    command = "true"
  }

  between_batches { # ERROR: Between-batches checks without serial
    diagnose "command" "h2" {
      command = "true"
    }
  }
}

stage "empty" { # ERROR: Empty stage
  on = ["a"]
}

stage "roll" { # ERROR: Duplicate stage
  on = ["a"]

  diagnose "command" "z" {
    command = "true"
  }
}

stage "late" {
  on           = ["a"]
  serial       = diagnose.command.first.exit_code # ERROR: Invalid reference
  max_failures = host.name # ERROR: Invalid reference

  diagnose "command" "w" {
    command = "true"
  }
}
