/** The SIP allow list's CIDR matching lives in src/lib (the SMTP intake's allow list uses it too). */
export { parseCidr, cidrContains, anyCidrContains, type Cidr } from "../../lib/cidr.js";
