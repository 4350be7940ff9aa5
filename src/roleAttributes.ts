// Role attributes every fleetdb role spells out: nothing elevated, ever.

/** Explicitly off, so a review of the inputs (and the policy pack) sees each one. */
export const NO_ELEVATED_ATTRIBUTES = {
  superuser: false,
  createDatabase: false,
  createRole: false,
  replication: false,
  bypassRowLevelSecurity: false,
  inherit: true,
} as const;
