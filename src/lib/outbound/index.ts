export { DestinationRefusedError, OutboundPolicy, type OutboundPolicyOptions } from "./address-policy.js";
export { outboundRequest, type OutboundOptions, type OutboundResponse } from "./request.js";
