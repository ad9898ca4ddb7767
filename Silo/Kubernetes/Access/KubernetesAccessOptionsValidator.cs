using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using OrleansAttest.Grains.Credentials;

namespace OrleansAttest.Silo.Kubernetes.Access;

/// <summary>Startup checks of <see cref="KubernetesAccessOptions"/>: "reason-code: sentence naming the key and the fix".</summary>
public sealed partial class KubernetesAccessOptionsValidator(IOptions<CredentialOptions> credentials) : IValidateOptions<KubernetesAccessOptions>
{
    public ValidateOptionsResult Validate(string? name, KubernetesAccessOptions options)
    {
        var errors = Errors(options, credentials.Value);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public static IReadOnlyList<string> Errors(KubernetesAccessOptions o, CredentialOptions credentials)
    {
        const string s = KubernetesAccessOptions.Section;
        var errors = new List<string>();
        if (!AccessNames.IsDnsLabel(o.TokenNamespace))
            errors.Add($"kubernetes-access-namespace-invalid: {s}:TokenNamespace '{o.TokenNamespace}' is not a namespace name; the API server reads bootstrap tokens from kube-system.");
        if (!AccessNames.IsDnsLabel(o.EventNamespace))
            errors.Add($"kubernetes-access-namespace-invalid: {s}:EventNamespace '{o.EventNamespace}' is not a namespace name (default: default).");
        if (o.TokenTtl <= TimeSpan.Zero)
            errors.Add($"kubernetes-access-token-ttl-invalid: {s}:TokenTtl is {o.TokenTtl}; use a positive time such as 01:00:00.");
        else if (credentials.RenewBefore >= o.TokenTtl)
            errors.Add($"kubernetes-access-renew-before-too-long: OrleansAttest:Credentials:RenewBefore ({credentials.RenewBefore}) must be shorter than {s}:TokenTtl ({o.TokenTtl}), " +
                "or every passing quote would issue a new token; set RenewBefore to e.g. 00:20:00.");
        if (!BootstrapGroupPattern().IsMatch(o.BootstrapGroup ?? ""))
            errors.Add($"kubernetes-access-bootstrap-group-invalid: {s}:BootstrapGroup '{o.BootstrapGroup}' must match system:bootstrappers:[a-z0-9:-]*[a-z0-9] (what the API server accepts in auth-extra-groups).");
        else if (o.BootstrapGroup == "system:bootstrappers")
            errors.Add($"kubernetes-access-bootstrap-group-invalid: {s}:BootstrapGroup must be a group of its own, not system:bootstrappers (which kubeadm clusters auto-approve).");
        if (!Uri.TryCreate(o.ApiServerUrl, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttps || !string.IsNullOrEmpty(url.Query) || !string.IsNullOrEmpty(url.UserInfo))
            errors.Add($"kubernetes-access-api-server-url-invalid: {s}:ApiServerUrl '{o.ApiServerUrl}' must be the https:// URL agents reach the API server at, e.g. https://203.0.113.10:6443.");
        bool hasFile = !string.IsNullOrWhiteSpace(o.CaFile), hasData = !string.IsNullOrWhiteSpace(o.CaData);
        if (hasFile == hasData)
            errors.Add($"kubernetes-access-ca-missing: set exactly one of {s}:CaFile and {s}:CaData (the API server's CA, written into the bootstrap kubeconfig).");
        else
        {
            try
            {
                BootstrapKubeconfig.LoadCaPem(o);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or CryptographicException or ArgumentException)
            {
                errors.Add($"kubernetes-access-ca-invalid: {s}:{(hasFile ? "CaFile" : "CaData")} does not hold a PEM certificate: {e.Message}");
            }
        }
        if (string.IsNullOrWhiteSpace(o.ClusterName) || o.ClusterName.Any(char.IsControl))
            errors.Add($"kubernetes-access-cluster-name-invalid: {s}:ClusterName must be a non-empty name.");
        if (!AccessNames.IsQualifiedName(o.TaintKey))
            errors.Add($"kubernetes-access-taint-key-invalid: {s}:TaintKey '{o.TaintKey}' is not a qualified name ([prefix/]name, e.g. edge.orleansattest.io/untrusted).");
        if (o.ApproverResync <= TimeSpan.Zero)
            errors.Add($"kubernetes-access-resync-invalid: {s}:ApproverResync is {o.ApproverResync}; use a positive time such as 00:05:00.");
        if (o.ApproverBackoff <= TimeSpan.Zero || o.ApproverMaxBackoff < o.ApproverBackoff)
            errors.Add($"kubernetes-access-backoff-invalid: {s}:ApproverBackoff ({o.ApproverBackoff}) must be positive and not above ApproverMaxBackoff ({o.ApproverMaxBackoff}).");
        if (o.ConflictRetries is < 1 or > 100)
            errors.Add($"kubernetes-access-conflict-retries-invalid: {s}:ConflictRetries is {o.ConflictRetries}; use 1 to 100.");
        return errors;
    }

    [GeneratedRegex("^system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]$")]
    private static partial Regex BootstrapGroupPattern();
}
