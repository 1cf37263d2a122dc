namespace K8Posture.Features.Raci;

/// <summary>
/// The activities the study guide says someone must own (shared/seed "K8 Study Guide"); the matrix starts from these and
/// the Security Team adds or retires activities as its operating model changes.
/// </summary>
public static class RaciDefaults
{
    public static IReadOnlyList<RaciActivity> Activities { get; } =
    [
        new() { Key = "cloud-iam-administration", Name = "Cloud IAM administration and the IAM operating model",
            Description = "Who is granted IAM, Kubernetes and network admin roles. The guide: \"who you grant these roles to controls the propagation of the platform across the enterprise\" — the IAM operating model ultimately controls the CI/CD pipeline and the ability to enforce standards." },
        new() { Key = "vpc-strategy", Name = "VPC strategy and where clusters sit in it",
            Description = "\"What is the VPC strategy and where is the K8 hosted within the VPC?\" — account/subscription layout, VPC/VNet per environment and where each cluster's nodes and API server live." },
        new() { Key = "cluster-isolation", Name = "Cluster isolation within the VPC",
            Description = "\"How well is the K8 isolated within the VPC?\" — private API endpoints, subnets, security groups/NSGs, and limiting lateral movement within the virtual network." },
        new() { Key = "instance-role-permissions", Name = "Cluster instance-role permissions",
            Description = "\"What are your K8 instances role permissions, are they too broad?\" — node/instance roles, managed identities and workload identities kept to least privilege." },
        new() { Key = "infrastructure-pipelines", Name = "Provisioning, deploy and update pipelines",
            Description = "\"How do you provision, deploy, update the K8 infrastructure? Jenkins, Code-Pipeline, Travis etc.\" — the pipelines (and their credentials) that create and upgrade clusters." },
        new() { Key = "metadata-api-protection", Name = "Cloud metadata API protection",
            Description = "\"Are you protecting the cloud meta-data API?\" — block or proxy IMDS from pods (hop limit, network policy) so a pod cannot borrow the node's cloud identity." },
        new() { Key = "registry-egress-golden-images", Name = "Registry egress (docker.io) and golden images",
            Description = "Whether to block docker.io: teams still need well-known images to build \"golden images\"; ideally egress goes only through the build pipeline into the internal registry, otherwise compensate with desktop EDR and exfiltration monitoring." },
        new() { Key = "vulnerability-tooling", Name = "Vulnerability tooling and its policies",
            Description = "Scanners for Kubernetes, container and network-policy misconfiguration, image/library/kernel vulnerabilities and cloud IAM/VPC misconfiguration, built into infrastructure and application pipelines. \"The policies should be owned by the Security Team.\"" },
        new() { Key = "policy-exceptions", Name = "Policy exceptions",
            Description = "\"The ability to limit or remove policies should be kept to only admins of the tools and not the App-teams\" — who requests, who approves (never the requester) and who reviews expiring exceptions." },
        new() { Key = "central-monitoring-siem", Name = "Central monitoring and SIEM",
            Description = "\"The results of the security scans should always be piped back to a centralized monitoring platform managed by the Security Team\" — the full picture of the landscape, not a single tree (Splunk or another SIEM)." },
        new() { Key = "runtime-detection-cirt", Name = "Runtime detection and the CIRT",
            Description = "Sensors on the platform itself (StackRox, Falco, CrowdStrike Falcon) pointing back to the SIEM and \"integrated to your existing CIRT\": privileged containers, host mounts, writes to /etc or /bin, service-account token use, metadata API access, netcat/ssh/curl in containers." },
        new() { Key = "secrets-management", Name = "Secrets management",
            Description = "\"How can I manage secrets in K8?\" — the vault or KMS, encryption of Secrets at rest, rotation, and keeping secrets out of images and repositories." },
        new() { Key = "inventory", Name = "Inventory of Docker and Kubernetes",
            Description = "Containers run on-premises, in the public cloud and on desktops: list managed clusters through the cloud APIs, find Docker desktops through MDM, watch netflow/proxy logs for docker.io and Helm, and network-scan for the well-known Kubernetes ports." },
    ];

    public static RaciMatrix Matrix() => new() { Activities = Activities.Select(a => new RaciActivity { Key = a.Key, Name = a.Name, Description = a.Description }).ToList() };
}
