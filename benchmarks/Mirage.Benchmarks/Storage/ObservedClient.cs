using Mirage.Defense.Perturbation;
using Mirage.Grains.Clients;
using Mirage.Interfaces.Defense;
using Mirage.Interfaces.Operators;
using Mirage.Silo.Storage.Serialization;

namespace Mirage.Benchmarks.Storage;

/// <summary>
/// One client's record after four hours of attack-like traffic, as the client grain leaves it: 3,000
/// queries in 300 one-minute requests (so its history is full at 240 points, one a minute), the utility
/// of blurred answers, the escalation of a raise by the tenant's watch, and an operator's MAD override.
/// Answers the bytes Mirage's grain-state serializer writes for it.
/// </summary>
internal static class ObservedClient
{
    public const string Tenant = "acme";

    private static readonly Lazy<byte[]> Built = new(Build);

    public static byte[] Record() => Built.Value;

    private static byte[] Build()
    {
        var start = new DateTimeOffset(2025, 6, 1, 8, 0, 0, TimeSpan.Zero);
        var random = new Random(11);
        var utility = new UtilityCost();
        var record = new ClientRecord
        {
            Tenant = Tenant, Client = "client-0000", Queries = 3_000, LastSeen = start.AddMinutes(300),
            Suspicion = 0.85, RaisedTo = 0.85, SplitReason = "tenant watch: 12 young keys sent 9,400 balanced queries in 10 minutes",
            Override = new ClientOverride { Policy = new PerturbationPolicy { Method = PerturbationMethod.Mad, Epsilon = 1.5, Norm = MadNorm.L2, Argmax = true } },
            Level = 3, LevelName = "attack",
        };
        for (var minute = 61; minute <= 300; minute++)
        {
            record.History.Add(new SuspicionPoint(start.AddMinutes(minute).AddTicks(random.Next()), random.NextDouble(), minute < 290 ? 0 : 3));
        }

        Span<float> clean = stackalloc float[10];
        Span<float> answered = stackalloc float[10];
        for (var answer = 0; answer < 3_000; answer++)
        {
            for (var k = 0; k < 10; k++)
            {
                clean[k] = (float)random.NextDouble();
            }

            var sum = 0f;
            foreach (var p in clean)
            {
                sum += p;
            }

            for (var k = 0; k < 10; k++)
            {
                clean[k] /= sum;
                answered[k] = 0.8f * clean[k] + 0.02f;
            }

            utility.Add(clean, answered, 10);
        }

        record.Utility = utility;
        record.Escalation.Update(new Defense.Escalation.EscalationLadder(Defense.Escalation.EscalationLadder.Default.Levels, TimeSpan.FromMinutes(10)), 0.85, start.AddMinutes(290));
        return new MirageGrainStateSerializer().Serialize(record).ToArray();
    }
}
