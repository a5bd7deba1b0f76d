// A sequence of frames (pictures drawn by the same run, each with its steps) that the reader
// steps through. Without JavaScript every frame is on the page in a row that scrolls sideways;
// the small script below turns that row into one frame at a time with a slider and buttons.
import Foundation
import Lessons

enum StepThrough {
    /// One frame: a picture in the page's folder, its alt text and caption, and what goes under it.
    struct Frame {
        var file: String
        var title: String
        var caption: String
        var below: HTML?
    }

    /// A lesson's sequence, each frame with the table of its steps.
    static func html(_ sequence: FrameSequence, number: Int, titles: [String: String], folder: URL) -> HTML {
        html(
            title: sequence.title,
            frames: sequence.frames.map { frame in
                Frame(
                    file: frame.picture, title: titles[frame.picture] ?? frame.caption, caption: frame.caption,
                    below: frame.steps.isEmpty ? nil : StepTable.html(frame.steps))
            }, number: number, folder: folder)
    }

    /// `number` makes the slider's id unique on the page.
    static func html(title: String, frames: [Frame], number: Int, folder: URL) -> HTML {
        let count = frames.count
        let id = "frame-slider-\(number)"
        var out = "<section class=\"steps\" data-steps>"
        out += "<h3>" + title.escaped + "</h3>"
        out += "<p class=\"hint\">\(count) frames in a row: scroll sideways to step through them.</p>"
        out += "<div class=\"controls\">"
        out += "<button type=\"button\" data-step=\"-1\" aria-label=\"previous frame\">◀</button>"
        out += "<input id=\"\(id)\" type=\"range\" min=\"0\" max=\"\(count - 1)\" value=\"0\" step=\"1\" "
        out += "aria-label=\"frame\">"
        out += "<button type=\"button\" data-step=\"1\" aria-label=\"next frame\">▶</button>"
        out += "<output for=\"\(id)\">1 of \(count)</output></div>"
        out += "<div class=\"frames\">"
        for (i, frame) in frames.enumerated() {
            out += "<div class=\"frame\(i == 0 ? " shown" : "")\" data-frame=\"\(i)\">"
            out += Figure.html(file: frame.file, title: frame.title, caption: frame.caption, in: folder).markup
            if let below = frame.below { out += below.markup }
            out += "</div>"
        }
        return HTML(raw: out + "</div></section>")
    }

    /// Shows one frame of each sequence at a time; the slider, the buttons and the arrow keys move it.
    static let script = """
        document.querySelectorAll("[data-steps]").forEach(function (box) {
          var frames = box.querySelectorAll(".frame"), slider = box.querySelector("input"),
              label = box.querySelector("output");
          function show(i) {
            i = Math.max(0, Math.min(frames.length - 1, i));
            slider.value = i;
            frames.forEach(function (frame, k) { frame.classList.toggle("shown", k === i); });
            label.textContent = (i + 1) + " of " + frames.length;
          }
          slider.addEventListener("input", function () { show(Number(slider.value)); });
          box.querySelectorAll("button").forEach(function (button) {
            button.addEventListener("click", function () { show(Number(slider.value) + Number(button.dataset.step)); });
          });
          box.classList.add("js");
          show(0);
        });
        """
}
