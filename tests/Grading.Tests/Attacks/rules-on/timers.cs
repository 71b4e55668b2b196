// exercise: 4.5a
// expect: forbidden-api System.Timers.Timer
// A timer's thread keeps running after the function returns.
int KvHeadFor(int queryHead, int nHeads, int nKvHeads)
{
    var timer = new System.Timers.Timer(1);
    timer.Elapsed += (_, _) => { };
    timer.Start();
    return queryHead / (nHeads / nKvHeads);
}
