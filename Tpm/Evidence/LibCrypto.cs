using System.Runtime.InteropServices;

namespace OrleansAttest.Tpm.Evidence;

/// <summary>
/// The few OpenSSL 3 libcrypto calls <see cref="NativeEcdsaVerifier"/> needs: the same library .NET's own ECDsa uses on
/// Linux, called at the EC_KEY level so that no key object has to live per node. Spans are passed as <c>ref byte</c>
/// (pinned for the call), so no unsafe code. Every function returns 1 on success; anything else is a failure.
/// </summary>
internal static class LibCrypto
{
    private const string Library = "libcrypto.so.3";

    public const int NidPrime256V1 = 415;
    public const int NidSecp384R1 = 715;
    public const int NidSecp521R1 = 716;

    [DllImport(Library)]
    public static extern nint EC_GROUP_new_by_curve_name(int nid);

    [DllImport(Library)]
    public static extern void EC_GROUP_free(nint group);

    [DllImport(Library)]
    public static extern nint EC_KEY_new();

    [DllImport(Library)]
    public static extern int EC_KEY_set_group(nint key, nint group);

    [DllImport(Library)]
    public static extern int EC_KEY_set_public_key(nint key, nint point);

    [DllImport(Library)]
    public static extern void EC_KEY_free(nint key);

    [DllImport(Library)]
    public static extern nint EC_POINT_new(nint group);

    [DllImport(Library)]
    public static extern void EC_POINT_free(nint point);

    /// <summary>Fails for a point that is not on the curve (OpenSSL ≥ 1.1.1 checks).</summary>
    [DllImport(Library)]
    public static extern int EC_POINT_set_affine_coordinates(nint group, nint point, nint x, nint y, nint context);

    /// <summary>The curve's prime p (and a, b) into caller-owned numbers.</summary>
    [DllImport(Library)]
    public static extern int EC_GROUP_get_curve(nint group, nint p, nint a, nint b, nint context);

    [DllImport(Library)]
    public static extern nint BN_new();

    /// <summary>-1, 0, 1 as a is less than, equal to, greater than b.</summary>
    [DllImport(Library)]
    public static extern int BN_cmp(nint a, nint b);

    [DllImport(Library)]
    public static extern void BN_free(nint number);

    /// <summary>Big-endian bytes into <paramref name="into"/> (reused); returns it, or 0 on failure.</summary>
    [DllImport(Library)]
    public static extern nint BN_bin2bn(ref byte bytes, int length, nint into);

    [DllImport(Library)]
    public static extern nint BN_CTX_new();

    [DllImport(Library)]
    public static extern void BN_CTX_free(nint context);

    [DllImport(Library)]
    public static extern nint ECDSA_SIG_new();

    /// <summary>Takes ownership of <paramref name="r"/> and <paramref name="s"/>.</summary>
    [DllImport(Library)]
    public static extern int ECDSA_SIG_set0(nint signature, nint r, nint s);

    [DllImport(Library)]
    public static extern void ECDSA_SIG_free(nint signature);

    /// <summary>1 = valid, 0 = invalid, -1 = error.</summary>
    [DllImport(Library)]
    public static extern int ECDSA_do_verify(ref byte digest, int digestLength, nint signature, nint key);

    [DllImport(Library)]
    public static extern void ERR_clear_error();
}
