namespace OrleansAttest.Tpm.Evidence;

/// <summary>What <see cref="NativeEcdsaVerifier"/> found.</summary>
internal enum NativeEcdsaOutcome
{
    /// <summary>The signature verifies under the point.</summary>
    Valid,

    /// <summary>Anything else about the signature: wrong key, changed digest, r or s zero or not below the order.</summary>
    Invalid,

    /// <summary>The public point is not on the curve: no signature can be judged under it.</summary>
    PointNotOnCurve,
}
