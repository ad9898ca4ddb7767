using OrleansAttest.Tpm.Evidence;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Tests.Evidence;

/// <summary>A quote with everything needed to verify it.</summary>
internal sealed record VectorQuote(AttestationKeyPublic Ak, byte[] Message, byte[] Signature, byte[] Nonce, PcrValues Values, byte[] EkName)
{
    public QuoteVerificationRequest Request(PcrSelection selection, bool withEkName = true) => new()
    {
        AttestationKey = Ak,
        EndorsementKeyName = withEkName ? EkName : null,
        Message = Message,
        Signature = Signature,
        Nonce = Nonce,
        RequestedSelection = selection,
        PcrValues = Values,
    };
}
