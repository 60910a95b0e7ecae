#!/usr/bin/env node
/**
 * The CLI as a kubectl plugin: kubectl runs any executable named `kubectl-<name>` on PATH for `kubectl <name>`, and a
 * dash in the command is an underscore in the file name, so `kubectl eks-access can-i ...` runs this file
 * (https://kubernetes.io/docs/tasks/extend-kubectl/kubectl-plugins/#naming-a-plugin). It is the same program as
 * `eks-access` (package.json "bin" installs both; packaging/krew/eks-access.yaml is the krew manifest template).
 */
import './eks-access';
