using k8s;
using k8s.Models;
using OrleansAttest.Fixtures.Kubernetes;
using OrleansAttest.Silo.Kubernetes;

namespace OrleansAttest.Kubernetes.Tests.Support;

/// <summary>A test API server with the chart's CRDs installed through the real KubernetesClient, and that client.</summary>
public sealed class KubeClientFixture : IAsyncDisposable
{
    public required KubeApiServer Server { get; init; }
    public required IKubernetes Client { get; init; }

    public static async Task<KubeClientFixture> StartAsync(KubeApiServerOptions? options = null)
    {
        var server = await KubeApiServer.StartAsync(options);
        var client = ClientFor(server);
        foreach (var file in new[] { ChartPaths.EdgeNodeCrd, ChartPaths.AttestationPolicyCrd })
            await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(KubernetesYaml.Deserialize<V1CustomResourceDefinition>(await File.ReadAllTextAsync(file)));
        return new KubeClientFixture { Server = server, Client = client };
    }

    public static IKubernetes ClientFor(KubeApiServer server, string? token = null)
    {
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(server.Kubeconfig(token ?? "")));
        return new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(stream));
    }

    public static EdgeNodeResource EdgeNode(string name, Dictionary<string, string>? labels = null, IList<string>? finalizers = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = labels, Finalizers = finalizers },
        Spec = new EdgeNodeSpec { NodeName = name, EkPublicSha256 = new string('a', 64), PolicyRef = "default" },
    };

    public Task<EdgeNodeResource> CreateAsync(EdgeNodeResource node) =>
        Client.CustomObjects.CreateClusterCustomObjectAsync<EdgeNodeResource>(node, EdgeResourceGroup.Group, EdgeResourceGroup.Version, EdgeNodeResource.KubePlural);

    public Task<EdgeNodeResource> GetAsync(string name) =>
        Client.CustomObjects.GetClusterCustomObjectAsync<EdgeNodeResource>(EdgeResourceGroup.Group, EdgeResourceGroup.Version, EdgeNodeResource.KubePlural, name);

    public Task<EdgeNodeResource> ReplaceAsync(EdgeNodeResource node) =>
        Client.CustomObjects.ReplaceClusterCustomObjectAsync<EdgeNodeResource>(node, EdgeResourceGroup.Group, EdgeResourceGroup.Version, EdgeNodeResource.KubePlural, node.Metadata.Name);

    public Task<EdgeNodeResource> PatchAsync(string name, object patch, V1Patch.PatchType type = V1Patch.PatchType.MergePatch, string? fieldManager = null) =>
        Client.CustomObjects.PatchClusterCustomObjectAsync<EdgeNodeResource>(new V1Patch(patch, type), EdgeResourceGroup.Group, EdgeResourceGroup.Version, EdgeNodeResource.KubePlural, name, fieldManager: fieldManager);

    public Task<EdgeNodeResource> PatchStatusAsync(string name, object patch, V1Patch.PatchType type = V1Patch.PatchType.MergePatch, string? fieldManager = null) =>
        Client.CustomObjects.PatchClusterCustomObjectStatusAsync<EdgeNodeResource>(new V1Patch(patch, type), EdgeResourceGroup.Group, EdgeResourceGroup.Version, EdgeNodeResource.KubePlural, name, fieldManager: fieldManager, force: type == V1Patch.PatchType.ApplyPatch ? true : null);

    public Task<EdgeNodeList> ListAsync(string? labelSelector = null, string? fieldSelector = null) =>
        Client.CustomObjects.ListClusterCustomObjectAsync<EdgeNodeList>(EdgeResourceGroup.Group, EdgeResourceGroup.Version, EdgeNodeResource.KubePlural, labelSelector: labelSelector, fieldSelector: fieldSelector);

    public Task DeleteAsync(string name) =>
        Client.CustomObjects.DeleteClusterCustomObjectAsync(EdgeResourceGroup.Group, EdgeResourceGroup.Version, EdgeNodeResource.KubePlural, name);

    /// <summary>Starts a watch of EdgeNodes from <paramref name="resourceVersion"/>; events and errors are queued.</summary>
    public Task<WatchRecorder> WatchAsync(string? resourceVersion, bool bookmarks = true)
    {
        var recorder = new WatchRecorder();
        recorder.Pump = Task.Run(async () =>
        {
            try
            {
                // Custom objects arrive untyped; the models read them as the watcher in the silo will.
                await foreach (var (type, obj) in Client.CustomObjects.WatchListClusterCustomObjectAsync(
                    EdgeResourceGroup.Group, EdgeResourceGroup.Version, EdgeNodeResource.KubePlural,
                    allowWatchBookmarks: bookmarks, resourceVersion: resourceVersion,
                    onError: error => recorder.Errors.Writer.TryWrite(error), cancellationToken: recorder.Stop.Token))
                    recorder.Events.Writer.TryWrite((type, KubernetesJson.Deserialize<EdgeNodeResource>(KubernetesJson.Serialize(obj))));
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException)
            {
                recorder.Errors.Writer.TryWrite(e);
            }
            finally
            {
                recorder.Closed.TrySetResult();
            }
        });
        return Task.FromResult(recorder);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
    }
}
