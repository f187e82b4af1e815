using Mirage.Grains.Clients;
using Mirage.Grains.Tests.TestSupport;
using Mirage.Interfaces.Clients;
using Mirage.Interfaces.Defense;
using Orleans.Runtime;
using static Mirage.Grains.Tests.Clients.ClientGrainFixture;

namespace Mirage.Grains.Tests.Clients;

/// <summary>
/// The client grain's defense in depth behind the HTTP edge: an observation carrying a number that is
/// not finite is refused before it touches the record, so the record stays storable and the operator
/// endpoints and reset keep working.
/// </summary>
public sealed class ObservationRefusalTests(ClientGrainFixture fixture) : IClassFixture<ClientGrainFixture>
{
    public static TheoryData<string, int, float> Poisons() => new()
    {
        { "inputs", 5, float.NaN },
        { "inputs", 0, float.PositiveInfinity },
        { "probabilities", 2, float.NaN },
        { "answered", 4, float.NegativeInfinity },
    };

    [Theory]
    [MemberData(nameof(Poisons))]
    public async Task A_non_finite_observation_is_refused_and_learns_nothing(string array, int index, float value)
    {
        var grain = fixture.Client(LadderedTenant, $"poisoned-{array}-{index}");
        await grain.ObserveAsync(TestObservations.Random(3, seed: 1));
        var before = await grain.GetDetailAsync();

        var poisoned = TestObservations.Random(2, seed: 2);
        (array switch { "inputs" => poisoned.Inputs, "probabilities" => poisoned.Probabilities, _ => poisoned.Answered })[index] = value;
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => grain.ObserveAsync(poisoned));
        Assert.Contains($"{LadderedTenant}/poisoned-{array}-{index}", refused.Message, StringComparison.Ordinal);
        Assert.Contains("not a finite number", refused.Message, StringComparison.Ordinal);

        var after = await grain.GetDetailAsync();
        Assert.Equal((before.Queries, before.Suspicion, before.LastSeen, before.Utility), (after.Queries, after.Suspicion, after.LastSeen, after.Utility));
        Assert.True(double.IsFinite(after.Suspicion));

        // The operator's endpoints and reset work, and what they write is what the grain holds.
        Assert.True((await grain.SetOverrideAsync(new ClientOverride { Block = true })).Override?.Block);
        var reset = await grain.ResetAsync();
        Assert.Equal(0, reset.Queries);
        var stored = await GrainTestStorage.ReadAsync<ClientRecord>(fixture.Silo, "client", grain.GetGrainId());
        Assert.Equal((0L, true), (stored?.Queries, stored?.Override?.Block));

        // And it goes on learning from good observations.
        await grain.ObserveAsync(TestObservations.Random(4, seed: 3));
        Assert.Equal(4, (await grain.GetDetailAsync()).Queries);
    }

    [Fact]
    public async Task An_observation_whose_arrays_are_shorter_than_its_shape_is_refused_before_it_is_counted()
    {
        var grain = fixture.Client(LadderedTenant, "short-arrays");
        var good = TestObservations.Random(2, seed: 4);
        var lying = new QueryObservation
        {
            Model = good.Model, Rows = 5, InputLength = good.InputLength, Classes = good.Classes,
            Inputs = good.Inputs, Probabilities = good.Probabilities, Answered = good.Answered, At = good.At,
        };

        await Assert.ThrowsAsync<ArgumentException>(() => grain.ObserveAsync(lying));
        Assert.Equal(0, (await grain.GetDetailAsync()).Queries);
    }
}
