export { startFolderIntake, type FolderIntake, type FolderIntakeDeps } from "./folder-intake.js";
