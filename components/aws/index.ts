export { awsNames } from "./names";
