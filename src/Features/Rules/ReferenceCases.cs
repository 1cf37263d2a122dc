namespace K8Posture.Features.Rules;

/// <summary>What a reference tool's own test data says about one manifest for one of its checks.</summary>
public enum ReferenceVerdict
{
    /// <summary>The check passes (Polaris success.*, kube-score GradeAllOK, kubesec awards the hardening point).</summary>
    Passes,

    /// <summary>The check reports it (Polaris failure.*, kube-score GradeWarning or GradeCritical, kubesec a critical match or a point not earned).</summary>
    Flags,
}

/// <summary>
/// One documented case of a reference tool: a file of that project's test data (copied unchanged into tests/fixtures, with
/// its provenance in tests/fixtures/SOURCES.md) and the verdict the project's own tests state for one of its checks.
/// </summary>
/// <param name="Difference">Why our verdict deliberately differs on this case; null when we agree.</param>
public sealed record ReferenceCase(string Tool, string Check, string Fixture, ReferenceVerdict Expected, string? Difference = null)
{
    /// <summary>The reference as rules spell it: "kube-score:pod-networkpolicy".</summary>
    public string Reference => Tool + ":" + Check;
}

/// <summary>
/// A reference check our rules agree with on every documented case we hold, and how many fixtures show it. When the check
/// is one of several of our rules together (kube-score's container-resources is our CPU and memory limit and request rules),
/// <paramref name="Together"/> names the others: the agreement is of their joint verdict.
/// </summary>
public sealed record ReferenceAgreement(string Tool, string Check, int Fixtures, IReadOnlyList<string> Together);

/// <summary>A reference check whose documented verdict we deliberately do not follow on some cases, and why.</summary>
public sealed record ReferenceDifference(string Tool, string Check, string Fixture, string Reason);

/// <summary>
/// The documented cases of Polaris, kube-score and kubesec our verdicts are held to. Our verdict on a case is the union of
/// the rules that carry the case's reference: it flags when any of them reports the fixture, and passes when none does.
/// The unit tests (ReferenceCaseFacts) evaluate every case, so an agreement listed by <c>GET /api/v1/rules</c> is one a test proves.
/// </summary>
public static class ReferenceCases
{
    private const string FullDropListIsNotAll =
        "Pod Security Standards (restricted) require drop: [ALL]; Polaris also accepts a list of the 15 default capabilities, which leaves whatever a runtime adds to its defaults later";

    public static IReadOnlyList<ReferenceCase> All { get; } =
    [
        new("polaris", "sensitiveContainerEnvVar", "polaris/sensitiveContainerEnvVar.failure.key_aws_secret_access_key.yaml", ReferenceVerdict.Flags),
        new("polaris", "sensitiveContainerEnvVar", "polaris/sensitiveContainerEnvVar.failure.key_azure_batch_key.yaml", ReferenceVerdict.Flags),
        new("polaris", "sensitiveContainerEnvVar", "polaris/sensitiveContainerEnvVar.failure.key_oci_cli_key_content.yaml", ReferenceVerdict.Flags),
        new("polaris", "sensitiveContainerEnvVar", "polaris/sensitiveContainerEnvVar.failure.key_password.yaml", ReferenceVerdict.Flags),
        new("polaris", "sensitiveContainerEnvVar", "polaris/sensitiveContainerEnvVar.failure.value_private_key.yaml", ReferenceVerdict.Flags),
        new("polaris", "sensitiveContainerEnvVar", "polaris/sensitiveContainerEnvVar.success.no_env_vars.yaml", ReferenceVerdict.Passes),
        new("polaris", "sensitiveContainerEnvVar", "polaris/sensitiveContainerEnvVar.success.sensitive_key_uses_valueFrom.yaml", ReferenceVerdict.Passes),
        new("polaris", "sensitiveContainerEnvVar", "polaris/sensitiveContainerEnvVar.success.valid_env_vars.yaml", ReferenceVerdict.Passes),
        new("polaris", "memoryLimitsMissing", "polaris/memoryLimitsMissing.failure.cpu.yaml", ReferenceVerdict.Flags),
        new("polaris", "memoryLimitsMissing", "polaris/memoryLimitsMissing.failure.yaml", ReferenceVerdict.Flags),
        new("polaris", "memoryLimitsMissing", "polaris/memoryLimitsMissing.success.yaml", ReferenceVerdict.Passes),
        new("polaris", "cpuRequestsMissing", "polaris/cpuRequestsMissing.failure.yaml", ReferenceVerdict.Flags),
        new("polaris", "cpuRequestsMissing", "polaris/cpuRequestsMissing.success.yaml", ReferenceVerdict.Passes),
        new("polaris", "memoryRequestsMissing", "polaris/memoryRequestsMissing.failure.yaml", ReferenceVerdict.Flags),
        new("polaris", "memoryRequestsMissing", "polaris/memoryRequestsMissing.success.yaml", ReferenceVerdict.Passes),
        new("polaris", "hostNetworkSet", "polaris/hostNetworkSet.failure.yaml", ReferenceVerdict.Flags),
        new("polaris", "hostNetworkSet", "polaris/hostNetworkSet.success.yaml", ReferenceVerdict.Passes),
        new("polaris", "hostIPCSet", "polaris/hostIPCSet.failure.yaml", ReferenceVerdict.Flags),
        new("polaris", "hostIPCSet", "polaris/hostIPCSet.success.yaml", ReferenceVerdict.Passes),
        new("polaris", "hostPortSet", "polaris/hostPortSet.failure.yaml", ReferenceVerdict.Flags),
        new("polaris", "hostPortSet", "polaris/hostPortSet.success.yaml", ReferenceVerdict.Passes),
        new("polaris", "dangerousCapabilities", "polaris/dangerousCapabilities.failure.all-caps.yaml", ReferenceVerdict.Flags),
        new("polaris", "dangerousCapabilities", "polaris/dangerousCapabilities.failure.all.yaml", ReferenceVerdict.Flags),
        new("polaris", "dangerousCapabilities", "polaris/dangerousCapabilities.failure.case.yaml", ReferenceVerdict.Flags),
        new("polaris", "dangerousCapabilities", "polaris/dangerousCapabilities.failure.yaml", ReferenceVerdict.Flags),
        new("polaris", "dangerousCapabilities", "polaris/dangerousCapabilities.success.yaml", ReferenceVerdict.Passes),
        new("polaris", "insecureCapabilities", "polaris/insecureCapabilities.failure.add.yaml", ReferenceVerdict.Flags),
        new("polaris", "insecureCapabilities", "polaris/insecureCapabilities.failure.drop-most.yaml", ReferenceVerdict.Flags),
        new("polaris", "insecureCapabilities", "polaris/insecureCapabilities.failure.pod.yaml", ReferenceVerdict.Flags),
        new("polaris", "insecureCapabilities", "polaris/insecureCapabilities.failure.yaml", ReferenceVerdict.Flags),
        new("polaris", "insecureCapabilities", "polaris/insecureCapabilities.success.all.yaml", ReferenceVerdict.Passes),
        new("polaris", "insecureCapabilities", "polaris/insecureCapabilities.success.case.yaml", ReferenceVerdict.Passes,
            Difference: FullDropListIsNotAll),
        new("polaris", "insecureCapabilities", "polaris/insecureCapabilities.success.drop.yaml", ReferenceVerdict.Passes),
        new("polaris", "insecureCapabilities", "polaris/insecureCapabilities.success.pod.yaml", ReferenceVerdict.Passes,
            Difference: FullDropListIsNotAll),
        new("polaris", "insecureCapabilities", "polaris/insecureCapabilities.success.yaml", ReferenceVerdict.Passes,
            Difference: FullDropListIsNotAll),
        new("polaris", "rolePodExecAttach", "polaris/rolePodExecAttach.failure.all_wildcards.yaml", ReferenceVerdict.Flags),
        new("polaris", "rolePodExecAttach", "polaris/rolePodExecAttach.failure.attach_explicit.yaml", ReferenceVerdict.Flags),
        new("polaris", "rolePodExecAttach", "polaris/rolePodExecAttach.failure.attach_using_verb_wildcard.yaml", ReferenceVerdict.Flags),
        new("polaris", "rolePodExecAttach", "polaris/rolePodExecAttach.failure.create_attach_and_exec_using_resource_wildcard.yaml", ReferenceVerdict.Flags),
        new("polaris", "rolePodExecAttach", "polaris/rolePodExecAttach.failure.create_attach_using_apigroup_wildcard.yaml", ReferenceVerdict.Flags),
        new("polaris", "rolePodExecAttach", "polaris/rolePodExecAttach.failure.create_exec_using_apigroup_wildcard.yaml", ReferenceVerdict.Flags),
        new("polaris", "rolePodExecAttach", "polaris/rolePodExecAttach.failure.exec_explicit.yaml", ReferenceVerdict.Flags),
        new("polaris", "rolePodExecAttach", "polaris/rolePodExecAttach.failure.exec_verb_wildcard.yaml", ReferenceVerdict.Flags),
        new("polaris", "rolePodExecAttach", "polaris/rolePodExecAttach.failure.get_attach_and_exec_using_resource_wildcard.yaml", ReferenceVerdict.Flags),
        new("polaris", "rolePodExecAttach", "polaris/rolePodExecAttach.failure.get_attach_using_apigroup_wildcard.yaml", ReferenceVerdict.Flags),
        new("polaris", "rolePodExecAttach", "polaris/rolePodExecAttach.failure.get_exec_using_apigroup_wildcard.yaml", ReferenceVerdict.Flags),
        new("polaris", "rolePodExecAttach", "polaris/rolePodExecAttach.success.allow_unrelated_perms.yaml", ReferenceVerdict.Passes),
        new("polaris", "rolePodExecAttach", "polaris/rolePodExecAttach.success.attach_wrong_verb.yaml", ReferenceVerdict.Passes),
        new("polaris", "rolePodExecAttach", "polaris/rolePodExecAttach.success.exec_wrong_verb.yaml", ReferenceVerdict.Passes),
        new("polaris", "rolePodExecAttach", "polaris/rolePodExecAttach.success.gce_calico_binding.yaml", ReferenceVerdict.Passes),
        new("polaris", "rolePodExecAttach", "polaris/rolePodExecAttach.success.system_prefix_binding.yaml", ReferenceVerdict.Passes),
        new("polaris", "clusterrolePodExecAttach", "polaris/clusterrolePodExecAttach.failure.all_wildcards.yaml", ReferenceVerdict.Flags),
        new("polaris", "clusterrolePodExecAttach", "polaris/clusterrolePodExecAttach.failure.attach_explicit.yaml", ReferenceVerdict.Flags),
        new("polaris", "clusterrolePodExecAttach", "polaris/clusterrolePodExecAttach.failure.attach_using_verb_wildcard.yaml", ReferenceVerdict.Flags),
        new("polaris", "clusterrolePodExecAttach", "polaris/clusterrolePodExecAttach.failure.create_attach_and_exec_using_resource_wildcard.yaml", ReferenceVerdict.Flags),
        new("polaris", "clusterrolePodExecAttach", "polaris/clusterrolePodExecAttach.failure.create_attach_using_apigroup_wildcard.yaml", ReferenceVerdict.Flags),
        new("polaris", "clusterrolePodExecAttach", "polaris/clusterrolePodExecAttach.failure.create_exec_using_apigroup_wildcard.yaml", ReferenceVerdict.Flags),
        new("polaris", "clusterrolePodExecAttach", "polaris/clusterrolePodExecAttach.failure.exec_explicit.yaml", ReferenceVerdict.Flags),
        new("polaris", "clusterrolePodExecAttach", "polaris/clusterrolePodExecAttach.failure.exec_verb_wildcard.yaml", ReferenceVerdict.Flags),
        new("polaris", "clusterrolePodExecAttach", "polaris/clusterrolePodExecAttach.failure.get_attach_and_exec_using_resource_wildcard.yaml", ReferenceVerdict.Flags),
        new("polaris", "clusterrolePodExecAttach", "polaris/clusterrolePodExecAttach.failure.get_attach_using_apigroup_wildcard.yaml", ReferenceVerdict.Flags),
        new("polaris", "clusterrolePodExecAttach", "polaris/clusterrolePodExecAttach.failure.get_exec_using_apigroup_wildcard.yaml", ReferenceVerdict.Flags),
        new("polaris", "clusterrolePodExecAttach", "polaris/clusterrolePodExecAttach.success.allow_unrelated_perms.yaml", ReferenceVerdict.Passes),
        new("polaris", "clusterrolePodExecAttach", "polaris/clusterrolePodExecAttach.success.attach_wrong_verb.yaml", ReferenceVerdict.Passes),
        new("polaris", "clusterrolePodExecAttach", "polaris/clusterrolePodExecAttach.success.defaultclusterrole_admin.yaml", ReferenceVerdict.Passes),
        new("polaris", "clusterrolePodExecAttach", "polaris/clusterrolePodExecAttach.success.defaultclusterrole_clusteradmin.yaml", ReferenceVerdict.Passes),
        new("polaris", "clusterrolePodExecAttach", "polaris/clusterrolePodExecAttach.success.exec_wrong_verb.yaml", ReferenceVerdict.Passes),
        new("polaris", "clusterrolePodExecAttach", "polaris/clusterrolePodExecAttach.success.gce_calico_clusterrole.yaml", ReferenceVerdict.Passes),
        new("polaris", "clusterrolePodExecAttach", "polaris/clusterrolePodExecAttach.success.system_prefix.yaml", ReferenceVerdict.Passes),
        new("polaris", "rolebindingClusterAdminClusterRole", "polaris/rolebindingClusterAdminClusterRole.failure.all_verbs.yaml", ReferenceVerdict.Flags),
        new("polaris", "rolebindingClusterAdminClusterRole", "polaris/rolebindingClusterAdminClusterRole.failure.all_verbs_different_order.yaml", ReferenceVerdict.Flags),
        new("polaris", "rolebindingClusterAdminClusterRole", "polaris/rolebindingClusterAdminClusterRole.failure.binding_to_system_prefix.yaml", ReferenceVerdict.Flags),
        new("polaris", "rolebindingClusterAdminClusterRole", "polaris/rolebindingClusterAdminClusterRole.failure.default_clusteradmin_clusterrole.yaml", ReferenceVerdict.Flags),
        new("polaris", "rolebindingClusterAdminClusterRole", "polaris/rolebindingClusterAdminClusterRole.failure.wildcards.yaml", ReferenceVerdict.Flags),
        new("polaris", "rolebindingClusterAdminClusterRole", "polaris/rolebindingClusterAdminClusterRole.success.allow_unrelated_perms.yaml", ReferenceVerdict.Passes),
        new("polaris", "rolebindingClusterAdminClusterRole", "polaris/rolebindingClusterAdminClusterRole.success.binding_references_role.yaml", ReferenceVerdict.Passes),
        new("polaris", "rolebindingClusterAdminClusterRole", "polaris/rolebindingClusterAdminClusterRole.success.explicit_apigroups.yaml", ReferenceVerdict.Passes),
        new("polaris", "rolebindingClusterAdminClusterRole", "polaris/rolebindingClusterAdminClusterRole.success.explicit_resources.yaml", ReferenceVerdict.Passes),
        new("polaris", "rolebindingClusterAdminClusterRole", "polaris/rolebindingClusterAdminClusterRole.success.explicit_verbs.yaml", ReferenceVerdict.Passes),
        new("polaris", "rolebindingClusterAdminClusterRole", "polaris/rolebindingClusterAdminClusterRole.success.gce_calico_binding.yaml", ReferenceVerdict.Passes),
        new("polaris", "rolebindingClusterAdminClusterRole", "polaris/rolebindingClusterAdminClusterRole.success.role_with_no_cluster_roles.yaml", ReferenceVerdict.Passes),
        new("polaris", "rolebindingClusterAdminClusterRole", "polaris/rolebindingClusterAdminClusterRole.success.system_prefix_binding.yaml", ReferenceVerdict.Passes),
        new("polaris", "clusterrolebindingClusterAdmin", "polaris/clusterrolebindingClusterAdmin.failure.all_verbs.yaml", ReferenceVerdict.Flags),
        new("polaris", "clusterrolebindingClusterAdmin", "polaris/clusterrolebindingClusterAdmin.failure.all_verbs_different_order.yaml", ReferenceVerdict.Flags),
        new("polaris", "clusterrolebindingClusterAdmin", "polaris/clusterrolebindingClusterAdmin.failure.binding_to_system_prefix.yaml", ReferenceVerdict.Flags),
        new("polaris", "clusterrolebindingClusterAdmin", "polaris/clusterrolebindingClusterAdmin.failure.default_clusteradmin_clusterrole.yaml", ReferenceVerdict.Flags),
        new("polaris", "clusterrolebindingClusterAdmin", "polaris/clusterrolebindingClusterAdmin.failure.wildcards.yaml", ReferenceVerdict.Flags),
        new("polaris", "clusterrolebindingClusterAdmin", "polaris/clusterrolebindingClusterAdmin.success.allow_unrelated_perms.yaml", ReferenceVerdict.Passes),
        new("polaris", "clusterrolebindingClusterAdmin", "polaris/clusterrolebindingClusterAdmin.success.explicit_apigroups.yaml", ReferenceVerdict.Passes),
        new("polaris", "clusterrolebindingClusterAdmin", "polaris/clusterrolebindingClusterAdmin.success.explicit_resources.yaml", ReferenceVerdict.Passes),
        new("polaris", "clusterrolebindingClusterAdmin", "polaris/clusterrolebindingClusterAdmin.success.explicit_verbs.yaml", ReferenceVerdict.Passes),
        new("polaris", "clusterrolebindingClusterAdmin", "polaris/clusterrolebindingClusterAdmin.success.gce_calico_binding.yaml", ReferenceVerdict.Passes),
        new("polaris", "clusterrolebindingClusterAdmin", "polaris/clusterrolebindingClusterAdmin.success.system_prefix_binding.yaml", ReferenceVerdict.Passes),
        new("polaris", "privilegeEscalationAllowed", "polaris/privilegeEscalationAllowed.failure.pod.yaml", ReferenceVerdict.Flags),
        new("polaris", "privilegeEscalationAllowed", "polaris/privilegeEscalationAllowed.failure.pod_unspecified.yaml", ReferenceVerdict.Flags),
        new("polaris", "privilegeEscalationAllowed", "polaris/privilegeEscalationAllowed.failure.unspecified.yaml", ReferenceVerdict.Flags),
        new("polaris", "privilegeEscalationAllowed", "polaris/privilegeEscalationAllowed.failure.yaml", ReferenceVerdict.Flags),
        new("polaris", "privilegeEscalationAllowed", "polaris/privilegeEscalationAllowed.success.pod.yaml", ReferenceVerdict.Passes),
        new("polaris", "privilegeEscalationAllowed", "polaris/privilegeEscalationAllowed.success.yaml", ReferenceVerdict.Passes),
        new("polaris", "notReadOnlyRootFilesystem", "polaris/notReadOnlyRootFilesystem.failure.pod.yaml", ReferenceVerdict.Flags),
        new("polaris", "notReadOnlyRootFilesystem", "polaris/notReadOnlyRootFilesystem.failure.two_cont_one_unspecified.yaml", ReferenceVerdict.Flags),
        new("polaris", "notReadOnlyRootFilesystem", "polaris/notReadOnlyRootFilesystem.failure.yaml", ReferenceVerdict.Flags),
        new("polaris", "notReadOnlyRootFilesystem", "polaris/notReadOnlyRootFilesystem.success.pod.yaml", ReferenceVerdict.Passes),
        new("polaris", "notReadOnlyRootFilesystem", "polaris/notReadOnlyRootFilesystem.success.yaml", ReferenceVerdict.Passes),
        new("polaris", "runAsPrivileged", "polaris/runAsPrivileged.failure.pod.yaml", ReferenceVerdict.Flags),
        new("polaris", "runAsPrivileged", "polaris/runAsPrivileged.failure.two_cont.yaml", ReferenceVerdict.Flags),
        new("polaris", "runAsPrivileged", "polaris/runAsPrivileged.failure.two_cont_one_unspecified.yaml", ReferenceVerdict.Flags),
        new("polaris", "runAsPrivileged", "polaris/runAsPrivileged.failure.yaml", ReferenceVerdict.Flags),
        new("polaris", "runAsPrivileged", "polaris/runAsPrivileged.success.pod.yaml", ReferenceVerdict.Passes),
        new("polaris", "runAsPrivileged", "polaris/runAsPrivileged.success.pod_no_cont.yaml", ReferenceVerdict.Passes),
        new("polaris", "runAsPrivileged", "polaris/runAsPrivileged.success.yaml", ReferenceVerdict.Passes),
        new("polaris", "tagNotSpecified", "polaris/tagNotSpecified.failure.latest.yaml", ReferenceVerdict.Flags),
        new("polaris", "tagNotSpecified", "polaris/tagNotSpecified.failure.yaml", ReferenceVerdict.Flags),
        new("polaris", "tagNotSpecified", "polaris/tagNotSpecified.success.yaml", ReferenceVerdict.Passes),
        new("polaris", "runAsRootAllowed", "polaris/runAsRootAllowed.failure.yaml", ReferenceVerdict.Flags),
        new("polaris", "runAsRootAllowed", "polaris/runAsRootAllowed.success.yaml", ReferenceVerdict.Passes),
        new("polaris", "hostPIDSet", "polaris/hostPIDSet.failure.yaml", ReferenceVerdict.Flags),
        new("polaris", "hostPIDSet", "polaris/hostPIDSet.success.yaml", ReferenceVerdict.Passes),
        new("polaris", "hostPathSet", "polaris/hostPathSet.failure.yaml", ReferenceVerdict.Flags),
        new("polaris", "hostPathSet", "polaris/hostPathSet.success.yaml", ReferenceVerdict.Passes),
        new("polaris", "cpuLimitsMissing", "polaris/cpuLimitsMissing.failure.yaml", ReferenceVerdict.Flags),
        new("polaris", "cpuLimitsMissing", "polaris/cpuLimitsMissing.success.yaml", ReferenceVerdict.Passes),
        new("kube-score", "pod-networkpolicy", "kube-score/networkpolicy-not-matching.yaml", ReferenceVerdict.Flags),
        new("kube-score", "pod-networkpolicy", "kube-score/networkpolicy-matching.yaml", ReferenceVerdict.Passes),
        new("kube-score", "pod-networkpolicy", "kube-score/networkpolicy-matching-only-ingress.yaml", ReferenceVerdict.Flags),
        new("kube-score", "pod-networkpolicy", "kube-score/networkpolicy-matching-only-egress.yaml", ReferenceVerdict.Flags),
        new("kube-score", "pod-networkpolicy", "kube-score/networkpolicy-deployment-matching.yaml", ReferenceVerdict.Passes),
        new("kube-score", "pod-networkpolicy", "kube-score/networkpolicy-statefulset-matching.yaml", ReferenceVerdict.Passes),
        new("kube-score", "pod-networkpolicy", "kube-score/networkpolicy-cronjob-matching.yaml", ReferenceVerdict.Passes),
        new("kube-score", "pod-networkpolicy", "kube-score/networkpolicy-deployment-not-matching-selector.yaml", ReferenceVerdict.Flags),
        new("kube-score", "pod-networkpolicy", "kube-score/networkpolicy-statefulset-not-matching-selector.yaml", ReferenceVerdict.Flags),
        new("kube-score", "pod-networkpolicy", "kube-score/networkpolicy-cronjob-not-matching-selector.yaml", ReferenceVerdict.Flags),
        new("kube-score", "pod-networkpolicy", "kube-score/networkpolicy-targets-all-pods.yaml", ReferenceVerdict.Passes),
        new("kube-score", "container-image-tag", "kube-score/pod-image-tag-fixed.yaml", ReferenceVerdict.Passes),
        new("kube-score", "container-image-tag", "kube-score/pod-image-tag-latest.yaml", ReferenceVerdict.Flags),
        new("kube-score", "container-security-context-user-group-id", "kube-score/pod-security-context-all-good.yaml", ReferenceVerdict.Passes),
        new("kube-score", "container-security-context-privileged", "kube-score/pod-security-context-all-good.yaml", ReferenceVerdict.Passes),
        new("kube-score", "container-security-context-readonlyrootfilesystem", "kube-score/pod-security-context-all-good.yaml", ReferenceVerdict.Passes),
        new("kube-score", "container-security-context-user-group-id", "kube-score/pod-security-context-low-user-id.yaml", ReferenceVerdict.Flags),
        new("kube-score", "container-security-context-user-group-id", "kube-score/pod-security-context-low-group-id.yaml", ReferenceVerdict.Flags),
        new("kube-score", "container-security-context-user-group-id", "kube-score/pod-security-context-nosecuritycontext.yaml", ReferenceVerdict.Flags),
        new("kube-score", "container-security-context-readonlyrootfilesystem", "kube-score/pod-security-context-nosecuritycontext.yaml", ReferenceVerdict.Flags),
        new("kube-score", "container-security-context-readonlyrootfilesystem", "kube-score/pod-security-context-writeablerootfilesystem.yaml", ReferenceVerdict.Flags),
        new("kube-score", "container-security-context-privileged", "kube-score/pod-security-context-privileged.yaml", ReferenceVerdict.Flags),
        new("kube-score", "container-resources", "kube-score/pod-test-resources-none.yaml", ReferenceVerdict.Flags),
        new("kube-score", "container-resources", "kube-score/pod-test-resources-limits-and-requests.yaml", ReferenceVerdict.Passes),
        new("kube-score", "container-resources", "kube-score/pod-test-resources-only-limits.yaml", ReferenceVerdict.Flags),
        new("kube-score", "service-type", "kube-score/service-type-nodeport.yaml", ReferenceVerdict.Flags),
        new("kube-score", "service-type", "kube-score/service-type-clusterip.yaml", ReferenceVerdict.Passes),
        new("kube-score", "service-type", "kube-score/service-type-default.yaml", ReferenceVerdict.Passes),
        new("kubesec", "AllowPrivilegeEscalation", "kubesec/allowPrivilegeEscalation.yaml", ReferenceVerdict.Flags),
        new("kubesec", "CapSysAdmin", "kubesec/score-0-cap-sys-admin.yml", ReferenceVerdict.Flags),
        new("kubesec", "HostPID", "kubesec/score-0-daemonset-host-pid.yml", ReferenceVerdict.Flags),
        new("kubesec", "HostNetwork", "kubesec/score-0-daemonset-host-network.yml", ReferenceVerdict.Flags),
        new("kubesec", "Privileged", "kubesec/score-0-daemonset-securitycontext-privileged.yml", ReferenceVerdict.Flags),
        new("kubesec", "DockerSock", "kubesec/score-0-daemonset-mount-docker-socket.yml", ReferenceVerdict.Flags),
        new("kubesec", "DockerSock", "kubesec/score-0-daemonset-volume-host-docker-socket.yml", ReferenceVerdict.Flags),
        new("kubesec", "RunAsNonRoot", "kubesec/score-0-statefulset-no-sec.yml", ReferenceVerdict.Flags),
        new("kubesec", "RunAsUser", "kubesec/score-0-statefulset-no-sec.yml", ReferenceVerdict.Flags),
        new("kubesec", "RunAsGroup", "kubesec/score-0-statefulset-no-sec.yml", ReferenceVerdict.Flags),
        new("kubesec", "ReadOnlyRootFilesystem", "kubesec/score-0-statefulset-no-sec.yml", ReferenceVerdict.Flags),
        new("kubesec", "CapDropAll", "kubesec/score-0-statefulset-no-sec.yml", ReferenceVerdict.Flags),
        new("kubesec", "LimitsCPU", "kubesec/score-0-statefulset-no-sec.yml", ReferenceVerdict.Flags),
        new("kubesec", "LimitsMemory", "kubesec/score-0-statefulset-no-sec.yml", ReferenceVerdict.Flags),
        new("kubesec", "RequestsCPU", "kubesec/score-0-statefulset-no-sec.yml", ReferenceVerdict.Flags),
        new("kubesec", "RequestsMemory", "kubesec/score-0-statefulset-no-sec.yml", ReferenceVerdict.Flags),
        new("kubesec", "ServiceAccountName", "kubesec/score-0-statefulset-no-sec.yml", ReferenceVerdict.Flags),
        new("kubesec", "SeccompAny", "kubesec/score-0-statefulset-no-sec.yml", ReferenceVerdict.Flags),
        new("kubesec", "CapDropAll", "kubesec/score-1-cap-drop-all.yml", ReferenceVerdict.Passes),
        new("kubesec", "ReadOnlyRootFilesystem", "kubesec/score-1-dep-ro-root-fs.yml", ReferenceVerdict.Passes),
        new("kubesec", "RunAsNonRoot", "kubesec/score-1-dep-podseccon-run-as-non-root.yml", ReferenceVerdict.Passes),
        new("kubesec", "RunAsNonRoot", "kubesec/score-1-dep-seccon-run-as-non-root.yml", ReferenceVerdict.Passes),
        new("kubesec", "RunAsUser", "kubesec/score-1-dep-podseccon-run-as-user-1.yml", ReferenceVerdict.Flags),
        new("kubesec", "RunAsUser", "kubesec/score-1-dep-seccon-run-as-user-1.yml", ReferenceVerdict.Flags),
        new("kubesec", "RunAsUser", "kubesec/score-1-dep-podseccon-run-as-user-10001.yml", ReferenceVerdict.Passes),
        new("kubesec", "RunAsUser", "kubesec/score-1-dep-seccon-run-as-user-10001.yml", ReferenceVerdict.Passes),
        new("kubesec", "RunAsGroup", "kubesec/score-1-dep-podseccon-run-as-group-1.yml", ReferenceVerdict.Flags),
        new("kubesec", "RunAsGroup", "kubesec/score-1-dep-seccon-run-as-group-1.yml", ReferenceVerdict.Flags),
        new("kubesec", "RunAsGroup", "kubesec/score-1-dep-podseccon-run-as-group-10001.yml", ReferenceVerdict.Passes),
        new("kubesec", "RunAsGroup", "kubesec/score-1-dep-seccon-run-as-group-10001.yml", ReferenceVerdict.Passes),
        new("kubesec", "LimitsCPU", "kubesec/score-1-dep-resource-limit-cpu.yml", ReferenceVerdict.Passes),
        new("kubesec", "LimitsMemory", "kubesec/score-1-dep-resource-limit-memory.yml", ReferenceVerdict.Passes),
        new("kubesec", "ServiceAccountName", "kubesec/score-2-dep-serviceaccount.yml", ReferenceVerdict.Passes),
        new("kubesec", "ServiceAccountName", "kubesec/score-2-pod-serviceaccount.yml", ReferenceVerdict.Passes),
        new("kubesec", "SeccompAny", "kubesec/score-0-dep-seccomp-empty-securitycontext.yml", ReferenceVerdict.Flags),
        new("kubesec", "SeccompAny", "kubesec/score-0-dep-seccomp-unconfined-spec-securitycontext.yml", ReferenceVerdict.Flags),
        new("kubesec", "SeccompAny", "kubesec/score-0-dep-seccomp-unconfined-container.yml", ReferenceVerdict.Flags),
        new("kubesec", "SeccompAny", "kubesec/score-1-dep-seccomp-nonunconfined-spec-securitycontext.yml", ReferenceVerdict.Passes),
        new("kubesec", "SeccompAny", "kubesec/score-1-dep-seccomp-nonunconfined-container.yml", ReferenceVerdict.Passes),
        new("kubesec", "ApparmorAny", "kubesec/score-0-dep-apparmor-empty-securitycontext.yml", ReferenceVerdict.Flags,
            Difference: "Pod Security Standards (baseline) allow an unset AppArmor profile: the runtime then applies its default profile, so only Unconfined is reported"),
        new("kubesec", "ApparmorAny", "kubesec/score-0-dep-apparmor-unconfined-spec-securitycontext.yml", ReferenceVerdict.Flags),
        new("kubesec", "ApparmorAny", "kubesec/score-0-dep-apparmor-unconfined-container.yml", ReferenceVerdict.Flags),
        new("kubesec", "ApparmorAny", "kubesec/score-1-dep-apparmor-nonunconfined-spec-securitycontext.yml", ReferenceVerdict.Passes),
        new("kubesec", "ApparmorAny", "kubesec/score-1-dep-apparmor-nonunconfined-container.yml", ReferenceVerdict.Passes),
    ];

    /// <summary>
    /// The checks a rule agrees with: references of the rule with at least one documented case, none of which differs.
    /// </summary>
    public static IReadOnlyList<ReferenceAgreement> AgreementsOf(IRule rule, RuleCatalogue catalogue) =>
        All.Where(c => rule.References.Contains(c.Reference, StringComparer.Ordinal))
            .GroupBy(c => (c.Tool, c.Check, c.Reference))
            .Where(g => g.All(c => c.Difference is null))
            .Select(g => new ReferenceAgreement(g.Key.Tool, g.Key.Check, g.Select(c => c.Fixture).Distinct(StringComparer.Ordinal).Count(),
                catalogue.Rules.Where(r => r.Id != rule.Id && r.References.Contains(g.Key.Reference, StringComparer.Ordinal)).Select(r => r.Id).ToList()))
            .OrderBy(a => a.Tool, StringComparer.Ordinal).ThenBy(a => a.Check, StringComparer.Ordinal)
            .ToList();

    /// <summary>The documented cases of the rule's references where our verdict deliberately differs.</summary>
    public static IReadOnlyList<ReferenceDifference> DifferencesOf(IRule rule) =>
        All.Where(c => c.Difference is not null && rule.References.Contains(c.Reference, StringComparer.Ordinal))
            .Select(c => new ReferenceDifference(c.Tool, c.Check, c.Fixture, c.Difference!))
            .ToList();
}
