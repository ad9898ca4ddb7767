using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OrleansAttest.Fixtures.Cluster;
using OrleansAttest.Fixtures.Kubernetes;

namespace OrleansAttest.Kubernetes.Tests.Support;

/// <summary>
/// One replica of a Deployment from the rendered chart, run on this host as kubelet would run its container: the env
/// resolved in order (<c>$(VAR)</c> references to earlier entries, the downward API, <c>secretKeyRef</c> from the
/// release's Secrets, a missing one refused as kubelet does), its volumes made (emptyDir, Secret files with their
/// items), and the real silo executable started with exactly that environment (<see cref="SiloProcess.StartExactly"/>).
/// What one host needs instead of a pod: each declared containerPort moves to a free loopback port and env values
/// naming it follow, and so does the embedded store's loopback port; the pod IP is 127.0.0.1; mount paths become directories of the pod, and env values under a mount
/// path follow (TMPDIR is the /tmp mount); the service-account mount is a kubeconfig for the test API server. The
/// image's read-only root filesystem is the pod's empty working directory, also HOME: <see cref="RootWrites"/>.
/// </summary>
public sealed partial class RenderedPod : IAsyncDisposable
{
    private readonly Dictionary<string, (int ContainerPort, int HostPort)> _ports;
    private readonly List<(string MountPath, string HostPath)> _mounts;
    private readonly JsonObject _labels;

    private RenderedPod(string name, string root, SiloProcess process, Dictionary<string, (int, int)> ports, List<(string, string)> mounts, JsonObject labels)
    {
        Name = name;
        Root = root;
        Process = process;
        _ports = ports;
        _mounts = mounts;
        _labels = labels;
    }

    public string Name { get; }

    /// <summary>The stand-in for the image's root filesystem (working directory and HOME).</summary>
    public string Root { get; }

    public SiloProcess Process { get; }

    public static RenderedPod Start(JsonObject deployment, int replica, IReadOnlyList<JsonObject> releaseObjects, string kubeconfig)
    {
        var name = $"{KubeObjects.Name(deployment)}-{replica}";
        var template = deployment["spec"]!["template"]!;
        var podSpec = template["spec"]!;
        var container = podSpec["containers"]![0]!;
        var directory = TestDirectory.Create($"pod-{replica}");
        var root = Directory.CreateDirectory(Path.Combine(directory, "root")).FullName;

        var volumes = new Dictionary<string, string>();
        foreach (var volume in podSpec["volumes"]?.AsArray() ?? [])
        {
            var volumeName = KubeObjects.Str(volume!["name"])!;
            var path = Directory.CreateDirectory(Path.Combine(directory, "volumes", volumeName)).FullName;
            volumes[volumeName] = path;
            if (volume["secret"] is { } secret)
                WriteSecretVolume(secret, releaseObjects, path);
        }
        var mounts = (container["volumeMounts"]?.AsArray() ?? [])
            .Select(m => (MountPath: KubeObjects.Str(m!["mountPath"])!, HostPath: volumes[KubeObjects.Str(m["name"])!]))
            .OrderByDescending(m => m.MountPath.Length).ToList();
        var ports = (container["ports"]?.AsArray() ?? []).ToDictionary(
            p => KubeObjects.Str(p!["name"])!, p => ((int)KubeObjects.Number(p!["containerPort"])!, FreeTcpPort.Next()));

        var environment = new Dictionary<string, string>();
        foreach (var entry in container["env"]?.AsArray() ?? [])
        {
            var key = KubeObjects.Str(entry!["name"])!;
            var value = entry["valueFrom"] is { } from
                ? ValueFrom(from, name, deployment, releaseObjects)
                : VariableReference().Replace(KubeObjects.Str(entry["value"]) ?? "", m => environment.GetValueOrDefault(m.Groups[1].Value, m.Value));
            if (key.EndsWith("Port", StringComparison.Ordinal) && int.TryParse(value, out var number) && ports.Values.FirstOrDefault(p => p.Item1 == number) is { Item2: > 0 } port)
                value = port.Item2.ToString();
            environment[key] = MapPath(value, mounts);
        }
        // Loopback-only inside the pod, so not a containerPort, but shared on this host: the embedded store's port.
        environment.TryAdd("OrleansAttest__Storage__GarnetPort", FreeTcpPort.Next().ToString());
        environment["OrleansAttest__Kubernetes__Kubeconfig"] = kubeconfig;
        environment["HOME"] = root;
        environment["TMPDIR"] = MapPath("/tmp", mounts) is var tmp && tmp != "/tmp" ? tmp : Path.Combine(root, "tmp");
        var process = SiloProcess.StartExactly(root, environment);
        return new RenderedPod(name, root, process, ports, mounts, template["metadata"]!["labels"]!.AsObject());
    }

    /// <summary>The host port of the container port named <paramref name="portName"/> (a Service's targetPort).</summary>
    public int HostPort(string portName) =>
        _ports.TryGetValue(portName, out var port) ? port.HostPort : throw new InvalidOperationException($"pod {Name} declares no container port '{portName}'");

    /// <summary>Where a path inside the container is on this host.</summary>
    public string HostPath(string containerPath) => MapPath(containerPath, _mounts);

    /// <summary>Whether <paramref name="service"/>'s selector picks this pod.</summary>
    public bool Serves(JsonObject service) =>
        service["spec"]!["selector"]!.AsObject().All(s => KubeObjects.Str(_labels[s.Key]) == KubeObjects.Str(s.Value));

    /// <summary>Files written outside the pod's volumes, which a read-only root filesystem would have refused.</summary>
    public IReadOnlyList<string> RootWrites() =>
        Directory.EnumerateFileSystemEntries(Root, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(Root, p)).ToList();

    public ValueTask DisposeAsync() => Process.DisposeAsync();

    private static string ValueFrom(JsonNode from, string podName, JsonObject deployment, IReadOnlyList<JsonObject> releaseObjects)
    {
        if (from["fieldRef"] is { } field)
            return KubeObjects.Str(field["fieldPath"]) switch
            {
                "metadata.name" => podName,
                "metadata.namespace" => KubeObjects.Str(deployment["metadata"]!["namespace"]) ?? "default",
                "status.podIP" => "127.0.0.1",
                "spec.nodeName" => "test-host",
                var other => throw new InvalidOperationException($"fieldRef {other} is not simulated"),
            };
        var reference = from["secretKeyRef"] ?? throw new InvalidOperationException($"valueFrom {from.ToJsonString()} is not simulated");
        var secretName = KubeObjects.Str(reference["name"])!;
        var key = KubeObjects.Str(reference["key"])!;
        return SecretData(releaseObjects, secretName).TryGetValue(key, out var value)
            ? value
            : throw new InvalidOperationException($"CreateContainerConfigError: couldn't find key {key} in Secret {secretName}");
    }

    private static void WriteSecretVolume(JsonNode secret, IReadOnlyList<JsonObject> releaseObjects, string path)
    {
        var secretName = KubeObjects.Str(secret["secretName"])!;
        var data = SecretData(releaseObjects, secretName);
        var items = secret["items"]?.AsArray().Select(i => (Key: KubeObjects.Str(i!["key"])!, Path: KubeObjects.Str(i["path"])!)).ToList()
            ?? data.Keys.Select(k => (Key: k, Path: k)).ToList();
        foreach (var (key, file) in items)
            File.WriteAllText(Path.Combine(path, file), data.TryGetValue(key, out var value)
                ? value : throw new InvalidOperationException($"MountVolume.SetUp failed: Secret {secretName} has no key {key}"));
    }

    /// <summary>A Secret's keys and values (data decoded, stringData as written) among <paramref name="releaseObjects"/>, as
    /// kubelet reads it; a missing Secret is kubelet's CreateContainerConfigError.</summary>
    public static Dictionary<string, string> SecretData(IReadOnlyList<JsonObject> releaseObjects, string name)
    {
        var secret = releaseObjects.SingleOrDefault(o => KubeObjects.Str(o["kind"]) == "Secret" && KubeObjects.Name(o) == name)
            ?? throw new InvalidOperationException($"CreateContainerConfigError: secret \"{name}\" not found");
        var data = new Dictionary<string, string>();
        foreach (var (key, value) in secret["data"]?.AsObject() ?? [])
            data[key] = Encoding.UTF8.GetString(Convert.FromBase64String(KubeObjects.Str(value)!));
        foreach (var (key, value) in secret["stringData"]?.AsObject() ?? [])
            data[key] = KubeObjects.Str(value)!;
        return data;
    }

    private static string MapPath(string value, List<(string MountPath, string HostPath)> mounts)
    {
        foreach (var (mountPath, hostPath) in mounts)
            if (value == mountPath || value.StartsWith(mountPath + "/", StringComparison.Ordinal))
                return hostPath + value[mountPath.Length..];
        return value;
    }

    [GeneratedRegex(@"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")]
    private static partial Regex VariableReference();
}
