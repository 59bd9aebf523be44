// Microphone and speaker choice (Twilio only: the simulator has no media), and the notice when a
// headset is unplugged and the audio fell back to the default.
import { useDeskController } from '../app/controller-context.js';
import { useDesk } from '../stores/desk-store.js';

export function HeadsetPicker() {
  const controller = useDeskController();
  const devices = useDesk((state) => state.audioDevices);
  const notice = useDesk((state) => state.audioNotice);
  const dismiss = useDesk((state) => state.audioNoticeDismissed);
  return (
    <>
      {notice && (
        <p className="audio-notice" role="alert" data-testid="audio-notice">
          {notice}{' '}
          <button type="button" className="button button--quiet" onClick={dismiss}>Dismiss</button>
        </p>
      )}
      {devices && (
        <div className="headset" data-testid="headset">
          <label>
            Microphone{' '}
            <select data-testid="audio-input" value={devices.selectedInput} onChange={(event) => void controller.calls.selectAudio('input', event.target.value)}>
              {devices.inputs.map((device) => <option key={device.id} value={device.id}>{device.label}</option>)}
            </select>
          </label>
          <label>
            Speaker{' '}
            <select data-testid="audio-output" value={devices.selectedOutput} onChange={(event) => void controller.calls.selectAudio('output', event.target.value)}>
              {devices.outputs.map((device) => <option key={device.id} value={device.id}>{device.label}</option>)}
            </select>
          </label>
        </div>
      )}
    </>
  );
}
