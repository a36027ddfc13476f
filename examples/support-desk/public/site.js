// The signed-in customer (the demo cookie's persona, written on <body> by the server) is the widget's user:
// "My requests" lists their tickets, and the form is prefilled.
const { customerName, customerEmail } = document.body.dataset;
if (customerEmail) {
  customElements.whenDefined('ticketkit-widget').then(() => {
    const widget = document.querySelector('ticketkit-widget');
    widget?.identify({ name: customerName, email: customerEmail });
  });
}
// The persona switcher submits as soon as a person is picked.
document.getElementById('persona')?.addEventListener('change', (event) => event.target.form.requestSubmit());
