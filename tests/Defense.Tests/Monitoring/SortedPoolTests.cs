using Mirage.Defense.Monitoring;

namespace Mirage.Defense.Tests.Monitoring;

public sealed class SortedPoolTests
{
    [Fact]
    public void Stays_the_sorted_multiset_of_what_was_added_and_replaced()
    {
        var pool = new SortedPool();
        var expected = new List<double>();
        var random = new Random(5);
        for (var step = 0; step < 5_000; step++)
        {
            // Few distinct values, so duplicates (and replacing a value by an equal one) are common.
            var value = random.Next(0, 40) / 4.0;
            if (expected.Count < 10 || random.Next(3) == 0)
            {
                pool.Add(value);
                expected.Add(value);
            }
            else
            {
                var removed = expected[random.Next(expected.Count)];
                pool.Replace(removed, value);
                expected.Remove(removed);
                expected.Add(value);
            }

            expected.Sort();
            Assert.Equal(expected, pool.Values.ToArray());
        }
    }

    [Fact]
    public void Refilled_from_unsorted_values_it_goes_on_like_the_pool_that_grew_them()
    {
        var grown = new SortedPool();
        var values = new List<double>();
        var random = new Random(6);
        for (var i = 0; i < 300; i++)
        {
            values.Add(random.Next(0, 50) / 4.0);
            grown.Add(values[^1]);
        }

        var refilled = new SortedPool();
        refilled.Refill(values.ToArray());
        Assert.Equal(grown.Values.ToArray(), refilled.Values.ToArray());
        for (var step = 0; step < 300; step++)
        {
            var removed = values[random.Next(values.Count)];
            var added = random.Next(0, 50) / 4.0;
            values.Remove(removed);
            values.Add(added);
            grown.Replace(removed, added);
            refilled.Replace(removed, added);
            refilled.Add(added);
            grown.Add(added);
            values.Add(added);
        }

        Assert.Equal(grown.Values.ToArray(), refilled.Values.ToArray());
        Assert.Equal(values.Order().ToArray(), refilled.Values.ToArray());
    }

    [Fact]
    public void Replacing_a_value_it_does_not_hold_is_an_error()
    {
        var pool = new SortedPool();
        pool.Add(1);
        Assert.Throws<InvalidOperationException>(() => pool.Replace(2, 3));
    }
}
