namespace Mirage.Grains.Tests.TestSupport;

/// <summary>
/// Polls until a condition holds: one-way calls (client to tenant, tenant to client) and timers land
/// later than the call that caused them. The limit only bounds a failing test; it asserts no speed.
/// </summary>
internal static class Eventually
{
    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, int limitSeconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(limitSeconds);
        var value = await probe();
        while (!done(value) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
            value = await probe();
        }

        return value;
    }
}
