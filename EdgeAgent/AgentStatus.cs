using System.Collections.Concurrent;

namespace OrleansAttest.EdgeAgent;

/// <summary>What the agent has done so far, for health reporting and tests (thread-safe).</summary>
public sealed class AgentStatus
{
    private long _connections;
    private long _activations;
    private long _quotesAnswered;
    private volatile bool _bound;
    private volatile string? _lastRefusal;
    private long _credentialsStored;
    private long _credentialFailures;
    private long _credentialDeletions;
    private long _lastCredentialGeneration;
    private volatile string? _lastCredentialError;

    public long Connections => Interlocked.Read(ref _connections);
    public long Activations => Interlocked.Read(ref _activations);
    public long QuotesAnswered => Interlocked.Read(ref _quotesAnswered);

    /// <summary>Whether the current stream is proven and bound to the node.</summary>
    public bool Bound => _bound;

    /// <summary>"reason-code: detail" of the gateway's latest refusal.</summary>
    public string? LastRefusal => _lastRefusal;

    public ConcurrentQueue<(string ReasonCode, string Detail)> Revocations { get; } = new();

    /// <summary>Credential deliveries stored and acknowledged.</summary>
    public long CredentialsStoredCount => Interlocked.Read(ref _credentialsStored);

    /// <summary>Generation of the latest stored delivery (0: none).</summary>
    public long LastCredentialGeneration => Interlocked.Read(ref _lastCredentialGeneration);

    /// <summary>Deliveries that could not be stored (acknowledged with stored=false).</summary>
    public long CredentialFailures => Interlocked.Read(ref _credentialFailures);

    public string? LastCredentialError => _lastCredentialError;

    /// <summary>Times the credential files were deleted after a revocation.</summary>
    public long CredentialDeletions => Interlocked.Read(ref _credentialDeletions);

    internal void Connected() => Interlocked.Increment(ref _connections);

    internal void Activated()
    {
        Interlocked.Increment(ref _activations);
        _bound = true;
    }

    internal void Disconnected() => _bound = false;

    internal void QuoteAnswered() => Interlocked.Increment(ref _quotesAnswered);

    internal void Refused(string reasonCode, string detail) => _lastRefusal = $"{reasonCode}: {detail}";

    internal void Revoked(string reasonCode, string detail) => Revocations.Enqueue((reasonCode, detail));

    internal void CredentialsStored(long generation)
    {
        Interlocked.Exchange(ref _lastCredentialGeneration, generation);
        Interlocked.Increment(ref _credentialsStored);
    }

    internal void CredentialsFailed(string error)
    {
        _lastCredentialError = error;
        Interlocked.Increment(ref _credentialFailures);
    }

    internal void CredentialsDeleted() => Interlocked.Increment(ref _credentialDeletions);
}
