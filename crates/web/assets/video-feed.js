// The video feed: the video on screen plays (muted, as browsers allow),
// the others pause; arrow keys and j/k move between videos on a desktop.
(function () {
  const feed = document.querySelector('[data-testid=video-feed]');
  if (!feed) return;
  const cards = Array.from(feed.querySelectorAll('.video-card'));
  if ('IntersectionObserver' in window) {
    const seen = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        const video = entry.target.querySelector('video');
        if (!video) continue;
        if (entry.isIntersecting) {
          video.muted = true;
          video.play().catch(() => {});
        } else {
          video.pause();
        }
      }
    }, { threshold: 0.6 });
    cards.forEach((card) => seen.observe(card));
  }
  function current() {
    const top = window.scrollY;
    let best = 0;
    cards.forEach((card, i) => { if (card.offsetTop <= top + 10) best = i; });
    return best;
  }
  document.addEventListener('keydown', (event) => {
    if (event.target.closest('input, textarea, select')) return;
    const step = { ArrowDown: 1, j: 1, ArrowUp: -1, k: -1 }[event.key];
    if (!step) return;
    const next = cards[Math.min(cards.length - 1, Math.max(0, current() + step))];
    if (next) {
      event.preventDefault();
      next.scrollIntoView({ behavior: 'smooth', block: 'start' });
    }
  });
})();
