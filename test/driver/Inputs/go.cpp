// golike::go is a spawn only when a model says so (golike.yaml).
namespace golike {
template <typename F> void go(F &&f) { (void)f; }
} // namespace golike

void produce();

void start() {
  golike::go([] {
    for (;;)
      produce();
  });
}
