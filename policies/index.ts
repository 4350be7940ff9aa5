// The CrossGuard pack entry: constructing the pack starts its gRPC server, so nothing else imports this file.
import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME, policies } from "./policies";

new PolicyPack(PACK_NAME, { policies });
