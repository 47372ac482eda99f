/** An error whose message is written for the person who sees it; the status says who is at fault. */
export class HttpError extends Error {
  override name = "HttpError";
  constructor(
    readonly status: number,
    readonly title: string,
    message: string,
  ) {
    super(message);
  }
}

export class NotFoundError extends HttpError {
  constructor(message = "There is no page at this address.") {
    super(404, "Page not found", message);
  }
}
