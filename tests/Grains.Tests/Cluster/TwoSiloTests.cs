using Microsoft.Extensions.DependencyInjection;
using Mirage.Grains.Inference;
using Mirage.Grains.Tests.TestSupport;
using Mirage.Inference;
using Mirage.Interfaces.Clients;
using Mirage.Interfaces.Defense;
using Mirage.Interfaces.Inference;
using Orleans.Runtime;
using Orleans.TestingHost;

namespace Mirage.Grains.Tests.Cluster;

/// <summary>
/// Where grains live in a two-silo cluster: one activation per client key wherever it is called from,
/// placed on the silo that called it first; an inference grain on every silo that calls it. Each test
/// calls through each silo's own grain factory, as that silo's HTTP handlers do.
/// </summary>
public sealed class TwoSiloTests(TwoSiloTests.Fixture fixture) : IClassFixture<TwoSiloTests.Fixture>
{
    [Fact]
    public async Task Calls_to_one_client_key_from_both_silos_reach_one_activation()
    {
        // Guards the defense itself: two activations would each see half of an attacker's queries.
        var key = ClientGrainKey.Of("shared", "alice");
        var fromSilos = fixture.Silos.Select(silo => silo.Grains.GetGrain<IClientGrain>(key)).ToArray();
        for (var i = 0; i < 6; i++)
        {
            await fromSilos[i % 2].ObserveAsync(TestObservations.Random(2, seed: i));
        }

        Assert.All(await Task.WhenAll(fromSilos.Select(grain => grain.GetDetailAsync())), detail => Assert.Equal(12, detail.Queries));
        Assert.Single(await fixture.ActivationSilos(fromSilos[0]));
    }

    [Fact]
    public async Task A_client_grain_is_placed_on_the_silo_that_first_calls_it()
    {
        // Guards [PreferLocalPlacement]: nginx sends a client to one silo, and its grain should be there
        // (no hop per request). Three keys per silo: random placement would pass by chance 1 in 64.
        for (var s = 0; s < fixture.Silos.Count; s++)
        {
            var silo = fixture.Silos[s];
            for (var k = 0; k < 3; k++)
            {
                var grain = silo.Grains.GetGrain<IClientGrain>(ClientGrainKey.Of("placed", $"silo-{s}-client-{k}"));
                await grain.ObserveAsync(TestObservations.Random(1, seed: k));
                Assert.Equal([silo.Address], await fixture.ActivationSilos(grain));
            }
        }
    }

    [Fact]
    public async Task The_inference_grain_runs_on_each_silo_that_calls_it_and_scores_in_that_silos_pool()
    {
        // Guards [StatelessWorker]: a single activation would send one silo's every request to the other.
        var callsPerSilo = new[] { 3, 5 };
        for (var s = 0; s < fixture.Silos.Count; s++)
        {
            var inference = fixture.Silos[s].Grains.GetGrain<IInferenceGrain>(TestObservations.Model);
            for (var i = 0; i < callsPerSilo[s]; i++)
            {
                var inputs = TestObservations.Random(1, seed: i).Inputs;
                using var result = await inference.ScoreAsync(new ScoreRequest(inputs, 1, PerturbationPolicy.None));
                Assert.Equal(inputs[0], result.Original[0], 6);
            }
        }

        // Stateless workers are left out of the detailed statistics; the per-type counts include them.
        var perSilo = await fixture.ActivationsPerSilo(typeof(InferenceGrain));
        Assert.Equal(fixture.Silos.Select(s => (s.Address, 1)).OrderBy(x => x.Address), perSilo.OrderBy(x => x.Silo));
        for (var s = 0; s < fixture.Silos.Count; s++)
        {
            Assert.Equal(callsPerSilo[s], fixture.Silos[s].Pool.Requests);
        }
    }

    /// <summary>A silo as the tests see it: its address, its grain factory, its own pool of the tiny model.</summary>
    public sealed record SiloView(SiloAddress Address, IGrainFactory Grains, InferencePool Pool);

    /// <summary>Two silos, each serving the tiny model from its own pool.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        public InProcessTestCluster Cluster { get; private set; } = null!;

        public IReadOnlyList<SiloView> Silos { get; private set; } = [];

        /// <summary>The silos holding an activation of this grain, from the management grain's statistics.</summary>
        public async Task<SiloAddress[]> ActivationSilos(IAddressable grain)
        {
            var statistics = await Cluster.Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
            var id = grain.GetGrainId();
            return statistics.Where(s => s.GrainId == id).Select(s => s.SiloAddress).ToArray();
        }

        /// <summary>How many activations of this grain class each silo holding any has.</summary>
        public async Task<(SiloAddress Silo, int Activations)[]> ActivationsPerSilo(Type grainClass)
        {
            var statistics = await Cluster.Client.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
            return statistics.Where(s => s.GrainType == $"{grainClass.FullName},{grainClass.Assembly.GetName().Name}")
                .Select(s => (s.SiloAddress, s.ActivationCount)).ToArray();
        }

        public async Task InitializeAsync()
        {
            Cluster = await MirageCluster.StartAsync(new MirageClusterSettings { Silos = 2, Models = TinyModel.Catalog });
            Silos = Cluster.Silos.Select(silo =>
            {
                var services = silo.ServiceProvider;
                services.GetRequiredService<ModelCatalog>().TryGet(TestObservations.Model, out var model);
                return new SiloView(silo.SiloAddress, services.GetRequiredService<IGrainFactory>(), model.Pool);
            }).ToArray();
        }

        public async Task DisposeAsync() => await Cluster.DisposeAsync();
    }
}
