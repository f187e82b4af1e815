using System.Collections;
using System.Reflection;
using Mirage.Silo.Configuration;
using Mirage.Silo.Security;

namespace Mirage.Silo.Tests.Security;

/// <summary>Bearer keys to principals: raw and hashed keys alike, bad headers refused, no raw key kept.</summary>
public sealed class ApiKeyDirectoryTests
{
    private const string AliceKey = "alice-secret-key-1";
    private const string BobKey = "bob-secret-key-22";
    private const string OperatorKey = "operator-secret-333";

    [Fact]
    public void A_key_given_raw_and_the_same_key_given_as_sha256_resolve_to_the_same_principal()
    {
        // Guards the digest: configuration files hold either form, and both must open the same door.
        var raw = new ApiKeyDirectory([Tenant("acme", ClientKey(AliceKey, "alice"))]);
        var hashed = new ApiKeyDirectory([Tenant("acme", new ApiKeyOptions { Sha256 = ApiKeyDirectory.Digest(AliceKey).ToUpperInvariant(), Client = "alice" })]);

        var expected = new ApiPrincipal("acme", "alice", ApiKeyRole.Client);
        Assert.Equal(expected, raw.Authenticate($"Bearer {AliceKey}"));
        Assert.Equal(expected, hashed.Authenticate($"Bearer {AliceKey}"));
        // The scheme is case-insensitive and surrounding blanks do not count.
        Assert.Equal(expected, hashed.Authenticate($"bearer   {AliceKey} "));
    }

    [Fact]
    public void The_digest_is_sha256_as_lowercase_hex()
    {
        // "abc" is FIPS 180-2's first SHA-256 example.
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ApiKeyDirectory.Digest("abc"));
        // Longer keys take another buffer path: the digest must not depend on it.
        var longKey = new string('k', 300);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(longKey))),
            ApiKeyDirectory.Digest(longKey));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Bearer ")]
    [InlineData("Bearer    ")]
    [InlineData("Basic alice-secret-key-1")]
    [InlineData("alice-secret-key-1")]
    [InlineData("Bearer alice-secret-key-2")]
    [InlineData("Bearer alice-secret-key-1x")]
    public void Unknown_keys_other_schemes_and_empty_headers_resolve_to_nobody(string? header)
    {
        Assert.Null(Directory().Authenticate(header));
    }

    [Fact]
    public void An_operator_key_resolves_to_an_operator_of_its_tenant_only()
    {
        var directory = Directory();
        var principal = directory.Authenticate($"Bearer {OperatorKey}");

        Assert.NotNull(principal);
        Assert.Equal(("acme", ApiKeyRole.Operator), (principal.Tenant, principal.Role));
        Assert.StartsWith("operator-", principal.Name, StringComparison.Ordinal);
        // An operator is not one of the tenant's clients.
        Assert.DoesNotContain(principal.Name, directory.ClientsOf("acme"));
    }

    [Fact]
    public void The_same_key_configured_twice_is_refused_even_across_tenants_and_forms()
    {
        // Two principals for one key: whichever the lookup found would be a silent privilege mix-up.
        Assert.Throws<InvalidOperationException>(() => new ApiKeyDirectory(
            [Tenant("acme", ClientKey(AliceKey, "alice")), Tenant("globex", ClientKey(AliceKey, "mallory"))]));
        Assert.Throws<InvalidOperationException>(() => new ApiKeyDirectory(
            [Tenant("acme", ClientKey(AliceKey, "alice"), new ApiKeyOptions { Sha256 = ApiKeyDirectory.Digest(AliceKey), Client = "alias" })]));
    }

    [Fact]
    public void Malformed_keys_and_names_are_refused_at_construction()
    {
        Assert.Throws<InvalidOperationException>(() => new ApiKeyDirectory([Tenant("acme", new ApiKeyOptions { Key = AliceKey })]));
        Assert.Throws<InvalidOperationException>(() => new ApiKeyDirectory([Tenant("acme", ClientKey(AliceKey, "a/b"))]));
        Assert.Throws<InvalidOperationException>(() => new ApiKeyDirectory([Tenant("ac/me", ClientKey(AliceKey, "alice"))]));
        Assert.Throws<InvalidOperationException>(() => new ApiKeyDirectory([Tenant(" ", ClientKey(AliceKey, "alice"))]));
        Assert.Throws<InvalidOperationException>(() => new ApiKeyDirectory([Tenant("acme", ClientKey("short", "alice"))]));
        Assert.Throws<InvalidOperationException>(() => new ApiKeyDirectory([Tenant("acme", new ApiKeyOptions { Sha256 = "abc123", Client = "alice" })]));
        Assert.Throws<InvalidOperationException>(() => new ApiKeyDirectory(
            [Tenant("acme", new ApiKeyOptions { Key = AliceKey, Sha256 = ApiKeyDirectory.Digest(AliceKey), Client = "alice" })]));
        Assert.Throws<InvalidOperationException>(() => new ApiKeyDirectory([Tenant("acme", new ApiKeyOptions { Client = "alice" })]));
    }

    [Fact]
    public void Clients_are_listed_per_tenant_once_per_name()
    {
        // Guards the operators' view: one tenant never sees another's clients; two keys of one client are one client.
        var directory = new ApiKeyDirectory(
        [
            Tenant("acme", ClientKey(AliceKey, "alice"), ClientKey(AliceKey + "-rotated", "alice"), ClientKey(BobKey, "bob"), OperatorOf(OperatorKey)),
            Tenant("globex", ClientKey("globex-carol-key", "carol")),
        ]);

        Assert.Equal(new[] { "alice", "bob" }, directory.ClientsOf("acme"));
        Assert.Equal(new[] { "carol" }, directory.ClientsOf("globex"));
        Assert.Empty(directory.ClientsOf("initech"));
        Assert.True(directory.IsClientOf("acme", "bob"));
        Assert.False(directory.IsClientOf("globex", "bob"));
        Assert.False(directory.IsClientOf("initech", "alice"));
        Assert.Equal(5, directory.Count);
    }

    [Fact]
    public void The_directory_keeps_no_raw_key_anywhere_in_its_object_graph()
    {
        // Guards the promise that a memory dump holds digests only. The walker must see the strings the
        // directory does keep (names, digests), or finding no key would prove nothing.
        var directory = Directory();
        var kept = StringsReachableFrom(directory);

        Assert.Contains("alice", kept);
        Assert.Contains(ApiKeyDirectory.Digest(AliceKey), kept);
        foreach (var key in new[] { AliceKey, BobKey, OperatorKey })
        {
            Assert.DoesNotContain(kept, s => s.Contains(key, StringComparison.Ordinal));
        }

        // The public surface gives nothing back that holds a key either.
        var principal = directory.Authenticate($"Bearer {AliceKey}")!;
        Assert.DoesNotContain(AliceKey, principal.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(AliceKey, directory.ToString()!, StringComparison.Ordinal);
    }

    private static ApiKeyDirectory Directory() =>
        new([Tenant("acme", ClientKey(AliceKey, "alice"), ClientKey(BobKey, "bob"), OperatorOf(OperatorKey))]);

    private static TenantOptions Tenant(string name, params ApiKeyOptions[] keys) => new() { Name = name, Keys = [.. keys] };

    private static ApiKeyOptions ClientKey(string key, string client) => new() { Key = key, Client = client };

    private static ApiKeyOptions OperatorOf(string key) => new() { Key = key, Role = ApiKeyRole.Operator };

    /// <summary>Every string reachable through instance fields (private ones included) and enumerations.</summary>
    private static HashSet<string> StringsReachableFrom(object root)
    {
        var strings = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<object>([root]);
        while (pending.TryPop(out var current))
        {
            if (current is string text)
            {
                strings.Add(text);
                continue;
            }

            var type = current.GetType();
            if (type.IsPrimitive || type.IsEnum || current is Type or Delegate or MemberInfo || (!type.IsValueType && !seen.Add(current)))
            {
                continue;
            }

            if (current is IEnumerable items)
            {
                foreach (var item in items)
                {
                    if (item is not null)
                    {
                        pending.Push(item);
                    }
                }
            }

            for (var t = type; t is not null; t = t.BaseType)
            {
                foreach (var field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                {
                    if (field.GetValue(current) is { } value)
                    {
                        pending.Push(value);
                    }
                }
            }
        }

        return strings;
    }
}
