// The auditor login's component type: a Role under it is the one role the pack lets hold the monitoring roles.
export const AUDITOR_LOGIN_TYPE = "fleetdb:audit:AuditorLogin";
