using k8s;
using OrleansAttest.Benchmarks.Simulation;
using OrleansAttest.Fixtures.Cluster;
using OrleansAttest.Kubernetes.Tests.Support;
using OrleansAttest.Silo.Kubernetes;

namespace OrleansAttest.Kubernetes.Tests.Hosting;

/// <summary>
/// The real silo executable with <c>OrleansAttest__Kubernetes__Enabled=true</c>, configured the way the chart does it
/// (environment, downward-API POD_NAME / POD_NAMESPACE), against the test API server.
/// </summary>
public sealed class SiloHostKubernetesTests
{
    [Fact]
    public async Task The_silo_takes_the_Lease_as_its_pod_in_its_namespace_and_declares_applied_EdgeNodes()
    {
        await using var kube = await KubeClientFixture.StartAsync();
        using var kubectl = await Support.Kubectl.CreateAsync(kube.Server);
        await kubectl.ApplyAsync("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: attest\n");
        await using var silo = StartSilo(new()
        {
            ["OrleansAttest__Kubernetes__Enabled"] = "true",
            ["OrleansAttest__Kubernetes__Kubeconfig"] = kubectl.KubeconfigPath,
            ["POD_NAME"] = "attest-silo-0",
            ["POD_NAMESPACE"] = "attest",
        });

        await Eventually.UntilAsync(async () =>
        {
            Assert.False(silo.HasExited, silo.Output);
            var lease = await kube.Client.CoordinationV1.ReadNamespacedLeaseAsync("orleansattest-watcher", "attest");
            return lease.Spec.HolderIdentity == "attest-silo-0";
        }, TimeSpan.FromSeconds(30), "the silo holds Lease attest/orleansattest-watcher");

        using var device = SimulatedDevice.Create("edge-h");
        await kubectl.ApplyAsync(Manifests.Policy("edge"));
        await kubectl.ApplyAsync(Manifests.EdgeNode("edge-h", device, "edge"));
        var node = await Eventually.SucceedsAsync(async () =>
        {
            var n = await kube.GetAsync("edge-h");
            Assert.Equal("Pending", n.Status?.Phase);
            return n;
        }, TimeSpan.FromSeconds(20), "EdgeNode declared and its status written");
        Assert.Contains(KubeNames.CleanupFinalizer, node.Metadata.Finalizers!);
        Assert.Equal("AgentNotConnected", node.Status!.Conditions!.Single(c => c.Type == "Reachable").Reason);
    }

    [Fact]
    public async Task Invalid_Kubernetes_settings_stop_the_silo_with_exit_code_2_and_the_reason_code()
    {
        await using var silo = StartSilo(new()
        {
            ["OrleansAttest__Kubernetes__Enabled"] = "true",
            ["OrleansAttest__Kubernetes__Kubeconfig"] = "/nonexistent/kubeconfig",
            ["OrleansAttest__Kubernetes__LeaseName"] = "Not A Name",
        });
        Assert.True(await silo.WaitForExitAsync(TimeSpan.FromSeconds(30)), "the silo did not exit");
        Assert.Equal(2, silo.ExitCode);
        Assert.Contains("kubernetes-kubeconfig-not-found", silo.Output);
        Assert.Contains("kubernetes-lease-name-invalid", silo.Output);
    }

    private static SiloProcess StartSilo(Dictionary<string, string> environment)
    {
        var directory = TestDirectory.Create("silo-kube");
        return SiloProcess.Start(directory, new Dictionary<string, string>(environment)
        {
            ["OrleansAttest__Dashboard__Enabled"] = "false",
            ["OrleansAttest__Storage__DataDirectory"] = Path.Combine(directory, "data"),
        });
    }
}
