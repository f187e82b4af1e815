using System.Threading.Channels;

namespace Mirage.Inference.Tests;

/// <summary>
/// The pool's threads park on channel operations through <see cref="ThreadParking"/>: a wait must end when
/// the operation completes (also when another thread completes it later, and many times over on one
/// instance), give the operation's own result, and surface its failure.
/// </summary>
public sealed class ThreadParkingTests
{
    [Fact]
    public void A_completed_operation_answers_at_once()
    {
        var parking = new ThreadParking();

        Assert.Equal(7, parking.Wait(ValueTask.FromResult(7)));
        parking.Wait(ValueTask.CompletedTask);
    }

    [Fact]
    public async Task A_parked_thread_wakes_for_each_item_another_thread_writes_and_reads_them_in_order()
    {
        // Synchronous continuations, as in the pool: the writer itself wakes the parked reader.
        var channel = Channel.CreateBounded<int>(new BoundedChannelOptions(1) { SingleReader = true, AllowSynchronousContinuations = true });
        var received = new List<int>();
        var reader = new Thread(() =>
        {
            var parking = new ThreadParking();
            while (parking.Wait(channel.Reader.WaitToReadAsync()))
            {
                while (channel.Reader.TryRead(out var item))
                {
                    received.Add(item);
                }
            }
        });
        reader.Start();

        // Writes spaced out so that the reader is parked (not spinning) when most of them arrive; the bound of 1
        // makes the writer itself wait for the reader whenever it is ahead.
        for (var i = 0; i < 200; i++)
        {
            await channel.Writer.WriteAsync(i);
            if (i % 20 == 0)
            {
                await Task.Delay(5);
            }
        }

        channel.Writer.Complete();
        Assert.True(reader.Join(TimeSpan.FromSeconds(10)), "the parked reader never woke for the end of the channel");
        Assert.Equal(Enumerable.Range(0, 200), received);
    }

    [Fact]
    public void A_parked_writer_wakes_when_a_reader_makes_room()
    {
        var channel = Channel.CreateBounded<int>(new BoundedChannelOptions(1) { SingleWriter = true, AllowSynchronousContinuations = true });
        Assert.True(channel.Writer.TryWrite(1));
        var read = new Thread(() =>
        {
            Thread.Sleep(50);
            channel.Reader.TryRead(out _);
        });
        read.Start();

        new ThreadParking().Wait(channel.Writer.WriteAsync(2));

        Assert.True(channel.Reader.TryRead(out var second));
        Assert.Equal(2, second);
        read.Join();
    }

    [Fact]
    public void A_failed_operation_throws_its_own_error_on_the_parked_thread()
    {
        var source = new TaskCompletionSource<bool>();
        _ = Task.Run(async () =>
        {
            await Task.Delay(50);
            source.SetException(new InvalidOperationException("the channel broke"));
        });

        var error = Assert.Throws<InvalidOperationException>(() => new ThreadParking().Wait(new ValueTask<bool>(source.Task)));
        Assert.Equal("the channel broke", error.Message);
    }
}
