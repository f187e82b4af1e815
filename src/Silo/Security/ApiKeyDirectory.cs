using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Mirage.Silo.Configuration;

namespace Mirage.Silo.Security;

/// <summary>
/// Resolves bearer keys to principals. Only SHA-256 digests are kept, so neither memory dumps nor
/// logs hold a key; a presented key is hashed and looked up. Tenants' keys are clients and operators;
/// admin keys belong to the platform (no tenant).
/// </summary>
public sealed class ApiKeyDirectory : Mirage.Grains.Tenants.IConfiguredClients
{
    private readonly Dictionary<string, (ApiPrincipal Caller, ClaimsPrincipal User)> _byDigest = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedSet<string>> _clientsByTenant = new(StringComparer.Ordinal);

    public ApiKeyDirectory(IEnumerable<TenantOptions> tenants, IEnumerable<ApiKeyOptions>? admins = null)
    {
        var adminList = admins?.ToList() ?? [];
        for (var i = 0; i < adminList.Count; i++)
        {
            var where = $"admin key #{i + 1}";
            if (adminList[i].Role != ApiKeyRole.Admin)
            {
                throw new InvalidOperationException($"{where}: keys under Security:Admins have the role \"Admin\".");
            }

            var digest = DigestOf(adminList[i], where);
            Add(digest, new ApiPrincipal("", adminList[i].Client ?? $"admin-{digest[..8]}", ApiKeyRole.Admin), where);
        }

        foreach (var tenant in tenants)
        {
            if (string.IsNullOrWhiteSpace(tenant.Name) || tenant.Name.Contains('/'))
            {
                throw new InvalidOperationException($"Tenant name \"{tenant.Name}\" must be non-empty and contain no '/'.");
            }

            for (var i = 0; i < tenant.Keys.Count; i++)
            {
                var key = tenant.Keys[i];
                var where = $"tenant {tenant.Name}, key #{i + 1}";
                if (key.Role == ApiKeyRole.Admin)
                {
                    throw new InvalidOperationException($"{where}: admin keys belong to the platform; list them under Security:Admins.");
                }

                var digest = DigestOf(key, where);
                var name = key.Client ?? (key.Role == ApiKeyRole.Client
                    ? throw new InvalidOperationException($"{where}: a client key needs a \"client\" name.")
                    : $"operator-{digest[..8]}");
                if (name.Contains('/'))
                {
                    throw new InvalidOperationException($"{where}: client name \"{name}\" must not contain '/'.");
                }

                Add(digest, new ApiPrincipal(tenant.Name, name, key.Role), where);

                if (key.Role == ApiKeyRole.Client)
                {
                    var clients = _clientsByTenant.TryGetValue(tenant.Name, out var known)
                        ? known
                        : _clientsByTenant[tenant.Name] = new SortedSet<string>(StringComparer.Ordinal);
                    clients.Add(name);
                }
            }
        }
    }

    public int Count => _byDigest.Count;

    /// <summary>The client names configured for a tenant (several keys may share one name).</summary>
    public IReadOnlyCollection<string> ClientsOf(string tenant) =>
        _clientsByTenant.TryGetValue(tenant, out var clients) ? clients : [];

    public bool IsClientOf(string tenant, string client) =>
        _clientsByTenant.TryGetValue(tenant, out var clients) && clients.Contains(client);

    /// <summary>The principal of an Authorization header value ("Bearer KEY"), or null.</summary>
    public ApiPrincipal? Authenticate(string? authorization) => TryAuthenticate(BearerKey(authorization), out _);

    /// <summary>The key of an Authorization header value ("Bearer KEY"); empty when there is none.</summary>
    public static ReadOnlySpan<char> BearerKey(string? authorization)
    {
        const string scheme = "Bearer ";
        return authorization is not null && authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)
            ? authorization.AsSpan(scheme.Length).Trim()
            : [];
    }

    /// <summary>The caller of a presented key and its signed-in user (shared; never mutate it), or null.</summary>
    public ApiPrincipal? TryAuthenticate(ReadOnlySpan<char> key, out ClaimsPrincipal? user)
    {
        user = null;
        if (key.IsEmpty || !_byDigest.TryGetValue(Digest(key), out var known))
        {
            return null;
        }

        user = known.User;
        return known.Caller;
    }

    private void Add(string digest, ApiPrincipal caller, string where)
    {
        if (!_byDigest.TryAdd(digest, (caller, ApiKeyIdentity.UserOf(caller))))
        {
            throw new InvalidOperationException($"{where}: the same key is configured twice.");
        }
    }

    public static string Digest(ReadOnlySpan<char> key)
    {
        Span<byte> utf8 = stackalloc byte[Encoding.UTF8.GetMaxByteCount(Math.Min(key.Length, 256))];
        if (key.Length > 256)
        {
            utf8 = new byte[Encoding.UTF8.GetMaxByteCount(key.Length)];
        }

        var length = Encoding.UTF8.GetBytes(key, utf8);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(utf8[..length], hash);
        return Convert.ToHexStringLower(hash);
    }

    private static string DigestOf(ApiKeyOptions key, string where)
    {
        if (key.Key is not null == key.Sha256 is not null)
        {
            throw new InvalidOperationException($"{where}: give exactly one of \"key\" and \"sha256\".");
        }

        if (key.Key is not null)
        {
            return key.Key.Length >= 8
                ? Digest(key.Key)
                : throw new InvalidOperationException($"{where}: a key needs at least 8 characters.");
        }

        var hex = key.Sha256!.Trim().ToLowerInvariant();
        return hex.Length == 64 && hex.All(Uri.IsHexDigit)
            ? hex
            : throw new InvalidOperationException($"{where}: \"sha256\" must be 64 hex digits.");
    }
}
