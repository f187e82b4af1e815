using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Mirage.Grains.Clients;
using Mirage.Defense.Perturbation;
using Mirage.Interfaces.Defense;
using Mirage.Interfaces.Operators;
using Mirage.Silo.Runtime;

namespace Mirage.Silo.Tests.Runtime;

public sealed class GrainStateJsonTests
{
    [Fact]
    public void The_client_record_is_written_through_its_generated_metadata()
    {
        var info = GrainStateJson.Options.GetTypeInfo(typeof(ClientRecord));
        Assert.Same(ClientRecordJson.Default, info.OriginatingResolver);
    }

    [Fact]
    public void Generated_and_reflection_metadata_write_the_same_bytes_and_read_them_back()
    {
        // Records stored before the metadata was generated must still read, and read alike.
        var reflection = new JsonSerializerOptions(JsonSerializerDefaults.Web) { IncludeFields = true, TypeInfoResolver = new DefaultJsonTypeInfoResolver() };
        var utility = new UtilityCost();
        utility.Add([0.7f, 0.2f, 0.1f], [0.1f, 0.2f, 0.7f], 3);
        var record = new ClientRecord
        {
            Tenant = "acme", Client = "c-17", Queries = 5210, LastSeen = new DateTimeOffset(2026, 11, 22, 8, 0, 0, TimeSpan.Zero),
            Suspicion = 0.93, RaisedTo = 0.85, SplitReason = "split", Level = 3, LevelName = "attack", Utility = utility,
            Override = new ClientOverride { Policy = new PerturbationPolicy { Method = PerturbationMethod.Mad, Epsilon = 1.5, Norm = MadNorm.L2, Argmax = true } },
            History = [new SuspicionPoint(new DateTimeOffset(2026, 11, 22, 7, 59, 0, TimeSpan.Zero), 0.4, 1)],
        };
        record.Escalation.Level = 3;
        record.Escalation.CalmSince = record.LastSeen;

        var generated = JsonSerializer.SerializeToUtf8Bytes(record, GrainStateJson.Options);
        Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(record, reflection), generated);
        var back = JsonSerializer.Deserialize<ClientRecord>(generated, GrainStateJson.Options)!;
        Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(back, reflection), generated);
        Assert.Equal(utility.Answers, back.Utility.Answers);
        Assert.Equal(record.Override, back.Override);
    }
}
