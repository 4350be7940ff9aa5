// Resource validations scoped to one type token, like the SDK's validateResourceOfType but without a provider SDK.
import type { ReportViolation, ResourceValidation, ResourceValidationArgs } from "@pulumi/policy";

/**
 * Runs `validate` only for resources of `type`; reports the policy as not applicable to others.
 * The attached `__pulumiType` lets the policy server skip other types cheaply, as the SDK helper does.
 */
export function resourceOfType(
  type: string,
  validate: (props: Record<string, any>, args: ResourceValidationArgs, report: ReportViolation) => void | Promise<void>,
): ResourceValidation {
  const validation = (args: ResourceValidationArgs, report: ReportViolation) => {
    if (args.type !== type) return args.notApplicable(`Policy only applies to resources of type '${type}'`);
    return validate(args.props, args, report);
  };
  return Object.assign(validation, { __pulumiType: type });
}
