#!/usr/bin/env node
/**
 * The container image's entry (scripts/bundle-server.ts, Dockerfile): the `eks-access` CLI with only the webhook's
 * commands (`serve`, `init`, `verify`, `token`). The full CLI's analysis and live-cluster commands would put the AWS
 * SDK's EKS and IAM clients into the image's one file and raise its idle RSS against the chart's memory limit
 * (bench/results/RESULTS.md, container).
 */
import { runCommands } from './cli-runner';
import { runAsProcess } from './run-process';
import { WEBHOOK_COMMANDS } from './webhook-commands';

runAsProcess((argv) => runCommands(argv, WEBHOOK_COMMANDS));
