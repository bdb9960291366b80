export { eventsChannel, PostgresEventRelay, type EventRelayOptions } from "./postgres-relay.js";
