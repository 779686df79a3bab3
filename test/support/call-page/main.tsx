// Test page for the call e2e suites: mounts kiosk/ui/call's CallView and relays the passenger's
// taps to the harness (test/support/call-harness.ts), which runs the real escalation flow.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { CallView as CallViewModel } from '../../../shared/call-protocol.js';
import type { PassengerEvent } from '../../../shared/ui-protocol.js';
import { CallView } from '../../../kiosk/ui/call/index.js';

type Down = { type: 'view'; view: CallViewModel } | { type: 'survey' } | { type: 'rated'; ratingId: string } | { type: 'idle' };

const socket = new WebSocket(`ws://${location.host}/ui`);
const send = (event: PassengerEvent) => socket.send(JSON.stringify(event));

function App() {
  const [down, setDown] = useState<Down>({ type: 'idle' });
  useEffect(() => {
    socket.onmessage = (ev: MessageEvent<string>) => setDown(JSON.parse(ev.data) as Down);
  }, []);
  switch (down.type) {
    case 'view':
      return <CallView view={down.view} send={send} lang="en" />;
    case 'survey':
      return (
        <div data-testid="survey">
          {[1, 2, 3, 4, 5].map((s) => (
            <button key={s} data-testid={`rate-${s}`} onClick={() => send({ type: 'RATE', score: s as 1 | 2 | 3 | 4 | 5 })}>
              {s}
            </button>
          ))}
        </div>
      );
    case 'rated':
      return <p data-testid="rated">{down.ratingId}</p>;
    case 'idle':
      return <p data-testid="idle">idle</p>;
  }
}

render(<App />, document.getElementById('app')!);
