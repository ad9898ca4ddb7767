namespace OrleansAttest.Grains.Tests.Support;

/// <summary>How a <see cref="SwtpmAgent"/> answers quote requests.</summary>
public enum AgentBehaviour
{
    /// <summary>Quote with the TPM and submit at once (after <see cref="SwtpmAgent.AnswerDelay"/>).</summary>
    Answer,
    /// <summary>Receive requests but never answer (an agent gone silent).</summary>
    Silent,
    /// <summary>Answer with the previous response as it was (its old request id and nonce): a late duplicate.</summary>
    ReplayPrevious,
    /// <summary>Answer the new request id with the previous quote (old nonce inside): a replay attack.</summary>
    ReplayQuoteUnderNewRequest,
    /// <summary>Quote, but keep the response in <see cref="SwtpmAgent.Held"/> instead of submitting it.</summary>
    Hold,
    /// <summary>Quote, pass the response through <see cref="SwtpmAgent.Tamper"/>, then submit.</summary>
    Tamper,
}
