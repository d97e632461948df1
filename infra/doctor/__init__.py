"""The preflight doctor: read-only checks that a deploy of this configuration, in this account and region, will
succeed and that its models will answer; each finding with the fix. docs/doctor.md lists the checks."""
