using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Tpm.Credentials;

namespace OrleansAttest.Grains.Node;

public sealed partial class EdgeNodeGrain
{
    /// <summary>
    /// Admission (DESIGN.md step 3). Never changes the phase or the bound channel: it only stores a pending
    /// challenge (a hash of the expected proof, never the secret or the proof), so an unproven connection can never displace a proven one.
    /// </summary>
    public Task<HelloResult> HelloAsync(AgentHello hello) =>
        GuardedAsync("hello", () => HelloCoreAsync(hello), detail => new HelloResult(false, InternalErrorReason, detail, null));

    private async Task<HelloResult> HelloCoreAsync(AgentHello hello)
    {
        if (RefusalForPhase() is { } phaseRefusal)
            return await RefuseHelloAsync(phaseRefusal.Code, phaseRefusal.Detail);

        if (State.Declaration is null && !admissionOptions.Value.AdmitUndeclaredWithTrustedEkCa)
            return await RefuseHelloAsync(NodeReasons.NodeNotDeclared, $"node '{NodeName}' is not declared and undeclared admission is off");
        var policyName = State.Declaration?.PolicyName ?? admissionOptions.Value.DefaultPolicyName;
        var lookup = await policies.GetAsync(policyName);
        if (lookup.Unavailable)
            return await RefuseHelloAsync(NodeReasons.PolicyUnavailable, $"{lookup.Error}; try again");
        if (lookup.Policy is not { } policy)
            return await RefuseHelloAsync(NodeReasons.PolicyNotFound, $"policy '{policyName}' of node '{NodeName}' does not exist");

        // A node admitted earlier by its EK CA keeps the EK it enrolled with: its pinned hash is checked like a declaration.
        var decision = admission.Check(hello, NodeName, State.Declaration, policy);
        if (!decision.Admitted)
            return await RefuseHelloAsync(decision.ReasonCode!, decision.Detail);

        var ek = decision.Ek!;
        var ak = decision.Ak!;
        var secret = RandomNumberGenerator.GetBytes(32);
        try
        {
            EncryptedCredential credential;
            try
            {
                credential = CredentialMaker.MakeCredential(ek, ak.ComputeName(), secret);
            }
            catch (CredentialException e)
            {
                return await RefuseHelloAsync(NodeReasons.MalformedHello, $"no challenge can be made for this EK: {e.Message}");
            }
            var now = Now;
            var sessionId = Guid.NewGuid();
            var proof = ActivationProof.Compute(secret, sessionId, NodeName);
            var proofHash = SHA256.HashData(proof);
            CryptographicOperations.ZeroMemory(proof);
            var expiresAt = now + admissionOptions.Value.ChallengeLifetime;
            State.Challenge = new PendingChallenge
            {
                SessionId = sessionId,
                EkPublic = hello.EkPublic.ToArray(),
                AkPublic = hello.AkPublic.ToArray(),
                ExpectedProofSha256 = proofHash,
                ExpiresAt = expiresAt,
                HelloAt = now,
                TpmManufacturer = decision.TpmManufacturer,
                UndeclaredPolicyName = State.Declaration is null ? policyName : null,
            };
            await state.WriteStateAsync();
            logger.LogInformation("Node {Node}: hello admitted, challenge {Session} issued ({Detail})", NodeName, sessionId, decision.Detail);
            return new HelloResult(true, null, $"admitted: {decision.Detail}; prove the credential before {expiresAt:u}",
                new ActivationChallenge(sessionId, credential.CredentialBlob, credential.EncryptedSecret, expiresAt));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    private async Task<HelloResult> RefuseHelloAsync(string reasonCode, string detail)
    {
        Refuse("hello", reasonCode, detail);
        // Audit only nodes that exist here: a flood of hellos for made-up names must not create audit streams.
        if (State.Declaration is not null)
            await AuditAsync("hello-refused", null, reasonCode, detail);
        return new HelloResult(false, reasonCode, detail, null);
    }
}
