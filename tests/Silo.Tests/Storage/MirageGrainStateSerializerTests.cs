using System.Text;
using System.Text.Json;
using Mirage.Grains.Clients;
using Mirage.Silo.Storage.Serialization;

namespace Mirage.Silo.Tests.Storage;

public sealed class MirageGrainStateSerializerTests
{
    private readonly MirageGrainStateSerializer _serializer = new();

    [Fact]
    public void A_binary_state_is_written_as_its_own_bytes_and_read_back_as_a_copy()
    {
        var bytes = new byte[] { 0, 1, 2, 250, 255 };
        var written = _serializer.Serialize(new Snapshot { Bytes = bytes });
        Assert.Equal(bytes, written.ToArray());

        // Providers may reuse the buffer they read into once deserialising returns.
        var buffer = bytes.ToArray();
        var read = _serializer.Deserialize<Snapshot>(new BinaryData(buffer))!;
        buffer[0] = 99;
        Assert.Equal(bytes, read.Bytes);
    }

    [Fact]
    public void Other_states_are_web_style_json()
    {
        var json = Encoding.UTF8.GetString(_serializer.Serialize(new Counter { Count = 3, Note = "n" }).ToArray());
        Assert.Equal("""{"count":3,"note":"n"}""", json);
        Assert.Equal(3, _serializer.Deserialize<Counter>(new BinaryData(json))!.Count);
    }

    [Fact]
    public void The_client_record_uses_its_source_generated_metadata_and_writes_what_it_alone_would()
    {
        Assert.Same(ClientRecordJson.Default, MirageGrainStateSerializer.JsonOptions.GetTypeInfo(typeof(ClientRecord)).OriginatingResolver);

        var record = new ClientRecord { Tenant = "acme", Client = "c1", Queries = 42, Suspicion = 0.25, SplitReason = "watch" };
        var written = _serializer.Serialize(record).ToArray();
        Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(record, ClientRecordJson.Default.ClientRecord), written);
        Assert.Equal((42L, 0.25, "watch"), _serializer.Deserialize<ClientRecord>(new BinaryData(written)) is { } r ? (r.Queries, r.Suspicion, r.SplitReason) : default);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void A_state_holding_a_number_that_is_not_finite_is_refused_with_a_clear_error(double suspicion)
    {
        var refused = Assert.Throws<UnstorableGrainStateException>(() => _serializer.Serialize(new ClientRecord { Suspicion = suspicion }));
        Assert.Equal(typeof(ClientRecord), refused.StateType);
        Assert.Equal("Grain state ClientRecord was not stored, and the state stored before it is kept: it holds a number that is not finite (NaN or infinity).",
            refused.Message);
    }
}
