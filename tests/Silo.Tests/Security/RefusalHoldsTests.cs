using Mirage.Silo.Configuration;
using Mirage.Silo.Security;

namespace Mirage.Silo.Tests.Security;

public sealed class RefusalHoldsTests
{
    private static readonly ApiPrincipal Flooder = new("demo", "demo-client-1", ApiKeyRole.Client);
    private static readonly ApiPrincipal Other = new("acme", "acme-client-1", ApiKeyRole.Client);

    [Fact]
    public void A_key_holding_more_refusals_than_allowed_gets_longer_holds_in_proportion_up_to_the_cap()
    {
        var holds = new RefusalHolds(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), heldPerDelay: 4);
        var held = Enumerable.Range(0, 60).Select(_ => holds.Enter(Flooder)).ToList();

        Assert.All(held.Take(4), h => Assert.Equal((TimeSpan.FromSeconds(1), false), (h.Duration, h.Flooding)));
        Assert.Equal((TimeSpan.FromSeconds(2), true), (held[7].Duration, held[7].Flooding));
        Assert.Equal(TimeSpan.FromSeconds(10), held[39].Duration);
        Assert.Equal(TimeSpan.FromSeconds(10), held[59].Duration);
        // Another key is not slowed by the flooder's refusals.
        using (var other = holds.Enter(Other))
        {
            Assert.Equal((TimeSpan.FromSeconds(1), false), (other.Duration, other.Flooding));
        }

        held.ForEach(h => h.Dispose());
        // Once the flood's refusals are answered, the key is back at the base delay.
        using var after = holds.Enter(Flooder);
        Assert.Equal((TimeSpan.FromSeconds(1), false), (after.Duration, after.Flooding));
    }
}
