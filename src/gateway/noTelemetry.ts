// @apollo/gateway sends usage telemetry and probes cloud metadata addresses unless this is set.
// Imported before the gateway is, by every entry point, so nothing leaves the machine.
process.env.APOLLO_TELEMETRY_DISABLED = '1';
