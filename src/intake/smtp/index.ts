export { startSmtpIntake, type SmtpIntake, type SmtpIntakeDeps } from "./smtp-intake.js";
