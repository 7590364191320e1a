"""Load test (`make loadtest`) and fault drills (`make drill`): see README "Load and fault drills"."""
