namespace OrleansAttest.EdgeAgent;

/// <summary>What the agent reports in Hello.</summary>
public static class AgentVersion
{
    public const uint ProtocolVersion = 1;

    public static string Text { get; } = $"orleansattest-edge-agent/{typeof(AgentVersion).Assembly.GetName().Version?.ToString(3) ?? "0.0.0"}";
}
