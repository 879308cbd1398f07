// Types of the generated krakend-validator.js (Ajv standalone code). DO NOT EDIT the .js.
import type { ValidateFunction } from "ajv";

export declare const validate: ValidateFunction;
export default validate;
