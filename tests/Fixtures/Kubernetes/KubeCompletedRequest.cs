using System.Text.Json.Nodes;

namespace OrleansAttest.Fixtures.Kubernetes;

/// <summary>
/// A request the test server has answered, for <see cref="KubeApiServer.RequestCompleted"/>: method, path, status code,
/// the JSON body it answered with (the written object for a write; null for watches and plain-text answers) and
/// <see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> taken once the answer was written (this process's clock).
/// </summary>
public sealed record KubeCompletedRequest(string Method, string Path, int StatusCode, JsonObject? Response, long Timestamp);
