using System.Runtime.InteropServices;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Mirage.Grains.Monitoring;

/// <summary>
/// ‖a − b‖² in double, vectorised. PRADA's nearest-point search calls this once per growing-set point, and
/// at 64-128 dimensions a call to TensorPrimitives.Distance spends more on dispatch and its square root than on
/// the arithmetic (about 22 ns against 5 ns per point here); the search takes the root of the minimum once.
/// </summary>
internal static class SquaredDistance
{
    public static double Of(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"Lengths differ: {a.Length} and {b.Length}.");
        }

        ref var x = ref MemoryMarshal.GetReference(a);
        ref var y = ref MemoryMarshal.GetReference(b);
        var n = (nuint)a.Length;
        nuint i = 0;
        var sum = 0.0;
        if (Vector512.IsHardwareAccelerated && n >= (nuint)Vector512<double>.Count)
        {
            var acc = Vector512<double>.Zero;
            for (; i + (nuint)Vector512<double>.Count <= n; i += (nuint)Vector512<double>.Count)
            {
                var d = Vector512.LoadUnsafe(ref x, i) - Vector512.LoadUnsafe(ref y, i);
                acc = Vector512.FusedMultiplyAdd(d, d, acc);
            }

            sum = Vector512.Sum(acc);
        }
        else if (Vector256.IsHardwareAccelerated && n >= (nuint)Vector256<double>.Count)
        {
            var acc = Vector256<double>.Zero;
            for (; i + (nuint)Vector256<double>.Count <= n; i += (nuint)Vector256<double>.Count)
            {
                var d = Vector256.LoadUnsafe(ref x, i) - Vector256.LoadUnsafe(ref y, i);
                acc = Vector256.FusedMultiplyAdd(d, d, acc);
            }

            sum = Vector256.Sum(acc);
        }

        for (; i < n; i++)
        {
            var d = Unsafe.Add(ref x, i) - Unsafe.Add(ref y, i);
            sum += d * d;
        }

        return sum;
    }
}
